/**
 * `framework:` as a writer gives it, and the combinations a framework does
 * not run, each refused with that framework's own rule.
 */
import {closest, type Diagnostic, diagnostic} from '../../output/diagnostics.js'
import type {Framework, Mode, Parallel} from '../../types.js'
import {frameworks} from './conventions.js'

/** Reads `framework:` (case-insensitive); `undefined` when absent or invalid (a diagnostic says which). */
export function readFramework(value: unknown, out: Diagnostic[]): Framework | undefined {
  if (value === undefined || value === null) return undefined
  const text = typeof value === 'string' ? value.trim().toLowerCase() : String(value)
  const hit = frameworks.find((name) => name === text)
  if (hit) return hit
  const guess = typeof value === 'string' ? closest(text, frameworks) : undefined
  out.push(
    diagnostic(
      'invalid-value',
      `\`framework\` must be one of ${frameworks.join(', ')}`,
      ['framework'],
      {
        suggestion: guess ? `did you mean \`${guess}\`?` : `use one of ${frameworks.join(', ')}`,
      },
    ),
  )
  return undefined
}

/** Whether a framework shards an adapter run (ZeRO stages, FSDP, offload). */
export function shardsAdapters(framework: Framework | undefined): boolean {
  return framework === 'deepspeed' || framework === 'fsdp'
}

/** The combinations `framework` does not run, as positioned diagnostics. */
export function frameworkRules(
  framework: Framework | undefined,
  context: {mode: Mode; parallel: Parallel; adapter: boolean},
  out: Diagnostic[],
): void {
  if (!framework) return
  const {mode, parallel: p, adapter} = context
  if (mode !== 'training') {
    out.push(
      diagnostic(
        'incompatible',
        `\`framework\` sets how training memory is kept; an inference block has no optimizer, gradients or activations to keep`,
        ['framework'],
        {suggestion: 'remove `framework`, or set `mode: training`'},
      ),
    )
    return
  }
  if (framework === 'megatron') {
    if (adapter)
      out.push(
        diagnostic(
          'incompatible',
          'Megatron-LM trains no PEFT adapter (LoRA on Megatron models lives in NeMo / Megatron-Bridge)',
          ['framework'],
          {suggestion: 'use `framework: transformers` (one GPU), `deepspeed` or `fsdp`'},
        ),
      )
    if (p.zero >= 2)
      out.push(
        diagnostic(
          'incompatible',
          `Megatron-LM shards optimizer states only (its distributed optimizer, \`--use-distributed-optimizer\`, is ZeRO-1), not ZeRO-${p.zero}`,
          ['parallel', 'zero'],
          {suggestion: 'use `zero: 1`, or `framework: deepspeed` / `fsdp` for ZeRO-2/3'},
        ),
      )
    return
  }
  // DeepSpeed's pipeline engine asserts it before anything else.
  if (framework === 'deepspeed' && p.zero >= 2 && p.pp > 1) {
    out.push(
      diagnostic(
        'incompatible',
        `DeepSpeed refuses ZeRO-${p.zero} with pipeline parallelism ("ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism", runtime/pipe/engine.py)`,
        ['parallel', 'zero'],
        {suggestion: 'use `zero: 1` with `pp`, or `pp: 1`'},
      ),
    )
    return
  }
  const axes: Array<[keyof Parallel, boolean]> = [
    ['tp', p.tp > 1],
    ['pp', p.pp > 1],
    ['cp', p.cp > 1],
    ['ep', p.ep > 1],
    ['sp', p.sp],
  ]
  for (const [axis, used] of axes) {
    if (used)
      out.push(
        diagnostic(
          'incompatible',
          `\`framework: ${framework}\` counts a Hugging Face model under data parallelism (${framework === 'transformers' ? 'DDP' : framework === 'fsdp' ? 'FSDP' : 'ZeRO'}); \`parallel.${axis}\` is counted with \`framework: megatron\``,
          ['parallel', axis],
          {suggestion: `remove \`${axis}\`, or use \`framework: megatron\``},
        ),
      )
  }
  if (framework === 'transformers' && (p.zero > 0 || p.offload !== 'none'))
    out.push(
      diagnostic(
        'incompatible',
        'HF Trainer shards and offloads only through DeepSpeed or FSDP; `framework: transformers` is one GPU or DDP replicas',
        ['parallel', p.zero > 0 ? 'zero' : 'offload'],
        {suggestion: 'use `framework: deepspeed` (ZeRO stages) or `framework: fsdp`'},
      ),
    )
  if (framework === 'fsdp' && p.zero === 1)
    out.push(
      diagnostic(
        'incompatible',
        'FSDP has no optimizer-only sharding: its ShardingStrategy is NO_SHARD (`zero: 0`), SHARD_GRAD_OP (`zero: 2`) or FULL_SHARD (`zero: 3`)',
        ['parallel', 'zero'],
        {suggestion: 'use `zero: 2` (SHARD_GRAD_OP) or `zero: 3` (FULL_SHARD)'},
      ),
    )
  if (framework === 'fsdp' && p.offload === 'optimizer')
    out.push(
      diagnostic(
        'incompatible',
        'FSDP offloads parameters, gradients and the optimizer step together (`CPUOffload(offload_params=True)`); it has no optimizer-only offload',
        ['parallel', 'offload'],
        {suggestion: 'use `offload: params` with `zero: 3`, or `framework: deepspeed`'},
      ),
    )
}
