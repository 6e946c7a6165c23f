#!/usr/bin/env node
import {run} from '../dist/cli.js'

// `vram models | head` closes the pipe early: stop quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await run(process.argv.slice(2))
