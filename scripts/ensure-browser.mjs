// The browser tests drive Debian's Chromium: no test tool may download a browser
// here. Install it (and CJK fonts, for legible screenshots of the Chinese page)
// when it is missing and we may; otherwise say how.
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (root && existsSync('/usr/bin/apt-get')) {
    console.log('Installing Debian chromium for the browser tests…')
    const quiet = {stdio: ['ignore', 'ignore', 'inherit']}
    execFileSync('apt-get', ['update', '-qq'], quiet)
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], {
      ...quiet,
      env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'},
    })
  } else {
    console.warn(
      `Chromium is missing at ${chromium}: the browser tests will be skipped. Install it with \`apt-get install -y chromium\` (as root) or set CHROMIUM_PATH.`,
    )
  }
}
