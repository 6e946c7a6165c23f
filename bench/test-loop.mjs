#!/usr/bin/env node
// Benchmark (not a test): the developer's loop.
//
//   start-up  `vram calc FILE` and `vram --version` against bare `node -e 0`,
//             run in turn (A B A B ...) so that both see the same machine;
//             the ratio of the medians (the goal: calc within 3×).
//   unit      `vitest run --project unit` (the engine, the plugin and the CLI,
//             what `pnpm test:unit` runs): wall and CPU seconds, and the share
//             of its 3-minute budget.
//   full      with --full only: a warm `pnpm test` (CI=true, host fixtures
//             installed, dist built), against its 6-minute budget.
//
// CPU seconds are those of the finished child processes (their user + system
// time, /proc/self/stat), which a busy machine inflates less than wall time.
// The load average at the start says how busy the machine was.
//
// Usage: node bench/test-loop.mjs [--runs N] [--full] [--no-unit]
// Writes bench/test-loop.json (ignored by git).
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'packages/vram-cli/bin/vram.js')
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')

const args = process.argv.slice(2)
const runsFlag = args.indexOf('--runs')
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 15
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1')
const full = args.includes('--full')
const unit = !args.includes('--no-unit')

/** User + system seconds of the children this process has waited for (Linux). */
function childCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
  // After the command name: state is field 3, cutime field 16 and cstime field 17.
  const ticks = Number(fields[13]) + Number(fields[14])
  return ticks / 100 // USER_HZ
}

/** Runs a command; wall and CPU seconds. */
function timed(command, commandArgs, options = {}) {
  const cpu = childCpu()
  const start = process.hrtime.bigint()
  const result = spawnSync(command, commandArgs, {cwd: root, encoding: 'utf8', ...options})
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-2000)
    throw new Error(`${command} ${commandArgs.join(' ')} exited ${result.status}\n${output}`)
  }
  return {wall, cpu: childCpu() - cpu}
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const sum = (values) => values.reduce((total, value) => total + value, 0)

/** `command` against bare `node -e 0`, alternating; ratios of median wall and of total CPU. */
function startup(commandArgs) {
  const a = []
  const b = []
  timed(process.execPath, commandArgs) // warm the file system cache
  timed(process.execPath, ['-e', '0'])
  for (let run = 0; run < runs; run++) {
    a.push(timed(process.execPath, commandArgs))
    b.push(timed(process.execPath, ['-e', '0']))
  }
  return {
    wall: median(a.map((run) => run.wall)) / median(b.map((run) => run.wall)),
    cpu: sum(a.map((run) => run.cpu)) / sum(b.map((run) => run.cpu)),
    node: median(b.map((run) => run.wall)),
  }
}

const load = os.loadavg()[0]
console.log(
  `test loop: ${os.cpus().length} cores, load average ${load.toFixed(1)} at the start (busy above ${os.cpus().length})\n`,
)

const scratch = mkdtempSync(path.join(os.tmpdir(), 'vram-bench-'))
const block = path.join(scratch, 'qwen.yaml')
writeFileSync(
  block,
  'model: Qwen/Qwen2.5-7B\nmode: inference\ndtype: fp16\nbatch: 16\nseq: 32768\ngpu: h100-sxm-80gb\n',
)
const calc = startup([bin, 'calc', block])
const version = startup([bin, '--version'])
rmSync(scratch, {recursive: true, force: true})

const report = {load, runs, startup: {calc, version}}
console.log(`start-up, ${runs} runs each, alternating with bare \`node -e 0\``)
console.log('| command | wall ÷ node | CPU ÷ node |')
console.log('| --- | ---: | ---: |')
console.log(`| \`vram calc FILE\` | ${calc.wall.toFixed(2)}× | ${calc.cpu.toFixed(2)}× |`)
console.log(`| \`vram --version\` | ${version.wall.toFixed(2)}× | ${version.cpu.toFixed(2)}× |`)
console.log(`(bare node: ${(calc.node * 1000).toFixed(0)} ms median wall)\n`)

const suites = []
if (unit)
  suites.push({
    name: '`pnpm test:unit` (engine, plugin, CLI)',
    key: 'unit',
    budget: 180,
    command: process.execPath,
    args: [vitest, 'run', '--project', 'unit'],
  })
if (full)
  suites.push({
    name: '`pnpm test`, warm (CI=true)',
    key: 'full',
    budget: 360,
    command: 'npx',
    args: ['-y', 'pnpm@10', 'test'],
  })
if (suites.length > 0) {
  console.log('| test run | wall | CPU | wall ÷ budget |')
  console.log('| --- | ---: | ---: | ---: |')
  for (const suite of suites) {
    const time = timed(suite.command, suite.args, {
      env: {...process.env, CI: 'true'},
      maxBuffer: 256 * 2 ** 20,
    })
    report[suite.key] = time
    console.log(
      `| ${suite.name} | ${time.wall.toFixed(0)} s | ${time.cpu.toFixed(0)} s | ${(time.wall / suite.budget).toFixed(2)} of ${suite.budget / 60} min |`,
    )
  }
}

writeFileSync(path.join(root, 'bench', 'test-loop.json'), `${JSON.stringify(report, null, 2)}\n`)
