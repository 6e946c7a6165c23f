import {evaluateBlock} from '../src/output/evaluate.js'
import type {BlockResult, Result} from '../src/types.js'

/** Evaluates a block given as a plain object; fails the test on any error diagnostic. */
export function block(raw: Record<string, unknown>): BlockResult {
  const {block: result, diagnostics} = evaluateBlock(raw)
  const errors = diagnostics.filter((entry) => entry.severity === 'error')
  if (errors.length > 0 || !result) {
    throw new Error(
      `unexpected diagnostics: ${errors.map((entry) => `${entry.ruleId}: ${entry.message}`).join('; ')}`,
    )
  }
  return result
}

export function run(raw: Record<string, unknown>): Result {
  const result = block(raw).result
  if (!result) throw new Error('no result')
  return result
}

/** Weights + gradients + optimizer: the ZeRO paper's "model states". */
export function modelStates(result: Result): number {
  return result.perDevice.weights + result.perDevice.gradients + result.perDevice.optimizer
}

export const GB = 1e9
export const GiB = 2 ** 30

/** GPT-3 175B's shape in the article's symbols (Korthikanti et al. 2022 evaluate it). */
export const gpt3 = {
  layers: 96,
  hidden: 12288,
  heads: 96,
  vocab: 51200,
  mlp: 'plain',
  dropout: 0.1,
  bias: true,
  norm: 'layer',
}
