// The playground: a CodeMirror 6 editor (YAML, completion of keys, models,
// GPUs and engines from vram-core's declarations, diagnostics under the text)
// and the site's pipeline (./render) run on every edit, debounced. The block,
// the labels' language and the units live in the URL's fragment
// (./url-state): a link shares them, reload and back/forward restore them.
// Tab indents, as in code editors; Esc then Tab leaves the editor.

import {
  autocompletion,
  type CompletionContext,
  type CompletionResult,
  completionKeymap,
} from '@codemirror/autocomplete'
import {
  defaultKeymap,
  historyKeymap,
  indentWithTab,
  history as undoHistory,
} from '@codemirror/commands'
import {yaml} from '@codemirror/lang-yaml'
import {HighlightStyle, syntaxHighlighting} from '@codemirror/language'
import {type Diagnostic as EditorDiagnostic, setDiagnostics} from '@codemirror/lint'
import {EditorState, type Text} from '@codemirror/state'
import {EditorView, keymap, lineNumbers} from '@codemirror/view'
import {tags} from '@lezer/highlight'
import {presets} from './presets'
import {type Diagnostic, type Locale, render, type Units} from './render'
import {hashToState, type PlaygroundState, stateToHash} from './url-state'
import {choicesAt, placeAt} from './vocabulary'

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`playground: #${id} is missing`)
  return found as T
}

/** Offset of a 1-based line and column in the document, clamped to it. */
function offsetOf(doc: Text, line: number, column: number): number {
  const at = doc.line(Math.min(Math.max(1, line), doc.lines))
  return Math.min(at.to, at.from + Math.max(0, column - 1))
}

/** Completion of keys and values where the cursor is (./vocabulary). */
function complete(context: CompletionContext): CompletionResult | null {
  const text = context.state.doc.toString()
  const place = placeAt(text, context.pos)
  if (!place) return null
  if (place.from === context.pos && !context.explicit) {
    // Nothing typed yet: offer values right after `key: ` or `[`, keys only on request.
    const before = text.slice(Math.max(0, context.pos - 2), context.pos)
    if (place.kind === 'key' || !/[:[,{]\s?$/.test(before)) return null
  }
  const choices = choicesAt(place)
  if (choices.length === 0) return null
  return {
    from: place.from,
    options: choices.map((choice) => ({
      label: choice.label,
      detail: choice.detail,
      type: place.kind === 'key' ? 'property' : 'constant',
      // A key comes with its colon, ready for the value.
      apply: place.kind === 'key' ? `${choice.label}: ` : choice.label,
    })),
    validFor: /^[\w.\-/]*$/,
  }
}

/** Colours from the site's own variables, so both schemes keep their contrast. */
const highlight = HighlightStyle.define([
  {tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--accent)'},
  {tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic'},
  {tag: [tags.number, tags.bool, tags.null], color: 'var(--warn)'},
  {tag: [tags.string, tags.content], color: 'var(--fg)'},
  {tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--muted)'},
])

const theme = EditorView.theme({
  '&': {color: 'var(--fg)', backgroundColor: 'var(--code-bg)', fontSize: '0.875rem'},
  '.cm-content': {fontFamily: 'var(--font-mono)', caretColor: 'var(--fg)', minHeight: '20rem'},
  '.cm-scroller': {fontFamily: 'var(--font-mono)', lineHeight: '1.5'},
  '.cm-gutters': {
    backgroundColor: 'var(--soft)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '&.cm-focused': {outline: '2px solid var(--accent)'},
  '&.cm-focused .cm-cursor': {borderLeftColor: 'var(--fg)'},
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--bg)',
    color: 'var(--fg)',
    border: '1px solid var(--border)',
  },
  '.cm-tooltip-autocomplete ul li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--bg)',
  },
  '.cm-completionDetail': {color: 'inherit', opacity: '1', marginLeft: '0.75em'},
  '.cm-diagnostic-error': {borderLeftColor: 'var(--bad)'},
  '.cm-diagnostic-warning': {borderLeftColor: 'var(--warn)'},
})

export function startPlayground(): void {
  const host = element<HTMLDivElement>('editor')
  const output = element<HTMLDivElement>('output')
  const stale = element<HTMLParagraphElement>('stale')
  const list = element<HTMLUListElement>('diagnostics')
  const announce = element<HTMLParagraphElement>('announce')
  const total = element<HTMLOutputElement>('total')
  const preset = element<HTMLSelectElement>('preset')
  const locale = element<HTMLSelectElement>('locale')
  const units = element<HTMLSelectElement>('units')
  const copy = element<HTMLButtonElement>('copy-link')
  const copied = element<HTMLSpanElement>('copy-status')

  let timer: ReturnType<typeof setTimeout> | undefined
  let announced = ''

  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: presets[0]?.source ?? '',
      extensions: [
        lineNumbers(),
        // Long lines wrap: on a phone the editor never scrolls sideways.
        EditorView.lineWrapping,
        undoHistory(),
        yaml(),
        syntaxHighlighting(highlight),
        autocompletion({override: [complete]}),
        keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          'aria-label': 'vram block (YAML)',
          'aria-describedby': 'editor-help',
        }),
        theme,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) schedule()
        }),
      ],
    }),
  })

  const state = (): PlaygroundState => ({
    block: view.state.doc.toString(),
    locale: locale.value as Locale,
    units: units.value as Units,
  })

  /** The example a block is, or the "edited" entry. */
  const selectPreset = (block: string) => {
    preset.value = presets.find((entry) => entry.source === block)?.id ?? ''
  }

  const drawDiagnostics = (diagnostics: Diagnostic[]) => {
    const doc = view.state.doc
    view.dispatch(
      setDiagnostics(
        view.state,
        diagnostics.map((entry): EditorDiagnostic => {
          const from = offsetOf(doc, entry.line ?? 1, entry.column ?? 1)
          return {
            from,
            to: Math.min(doc.lineAt(from).to, from + 1),
            severity: entry.severity,
            message: entry.hint ? `${entry.message} (${entry.hint})` : entry.message,
            source: entry.ruleId,
          }
        }),
      ),
    )
    if (diagnostics.length === 0) {
      const ok = document.createElement('li')
      ok.className = 'ok'
      ok.textContent = 'No problems.'
      list.replaceChildren(ok)
    } else {
      list.replaceChildren(
        ...diagnostics.map((entry) => {
          const item = document.createElement('li')
          item.className = entry.severity
          if (entry.line !== undefined) {
            const jump = document.createElement('button')
            jump.type = 'button'
            jump.textContent = `${entry.line}:${entry.column ?? 1}`
            jump.setAttribute('aria-label', `Go to line ${entry.line}, column ${entry.column ?? 1}`)
            jump.addEventListener('click', () => {
              const at = offsetOf(view.state.doc, entry.line ?? 1, entry.column ?? 1)
              view.dispatch({selection: {anchor: at}, scrollIntoView: true})
              view.focus()
            })
            item.append(jump, ' ')
          }
          item.append(`${entry.severity}: ${entry.message}`)
          if (entry.ruleId) {
            const rule = document.createElement('span')
            rule.className = 'rule'
            rule.textContent = ` [${entry.ruleId}]`
            item.append(rule)
          }
          if (entry.hint) {
            const hint = document.createElement('span')
            hint.className = 'hint'
            hint.textContent = entry.hint
            item.append(hint)
          }
          return item
        }),
      )
    }
    // Screen readers hear the problems once, when they change, not on every keystroke.
    const summary =
      diagnostics.length === 0
        ? 'No problems.'
        : `${diagnostics.length} ${diagnostics.length === 1 ? 'problem' : 'problems'}: ${diagnostics
            .map(
              (entry) =>
                `${entry.line === undefined ? '' : `line ${entry.line}, `}${entry.severity}: ${entry.message}`,
            )
            .join('; ')}`
    if (summary !== announced) {
      announced = summary
      announce.textContent = summary
    }
  }

  const update = () => {
    clearTimeout(timer)
    const current = state()
    const result = render(current.block, current.locale, current.units)
    const hash = stateToHash(current)
    if (location.hash !== hash) window.history.replaceState(null, '', hash)
    if (result.html === undefined) {
      // Keep the last good rendering, marked as out of date.
      output.classList.add('stale')
      stale.hidden = output.childElementCount === 0
      total.textContent = ''
    } else {
      output.classList.remove('stale')
      stale.hidden = true
      output.innerHTML = result.html
      total.textContent = result.total ?? ''
    }
    drawDiagnostics(result.diagnostics)
  }

  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(update, 150)
  }

  /** Shows a state (from the URL or an example) without adding a history entry. */
  const show = (next: PlaygroundState) => {
    if (next.block !== view.state.doc.toString()) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: next.block}})
    }
    locale.value = next.locale
    units.value = next.units
    selectPreset(next.block)
    output.replaceChildren()
    update()
  }

  preset.addEventListener('change', () => {
    const chosen = presets.find((entry) => entry.id === preset.value)
    if (!chosen) return
    // A new example is a new page of history: back returns to the previous block.
    window.history.pushState(null, '', stateToHash({...state(), block: chosen.source}))
    show({...state(), block: chosen.source})
  })
  locale.addEventListener('change', update)
  units.addEventListener('change', update)
  addEventListener('popstate', () => {
    const next = hashToState(location.hash)
    if (next) show(next)
  })
  copy.addEventListener('click', async () => {
    update()
    try {
      await navigator.clipboard.writeText(location.href)
      copied.textContent = 'Link copied.'
    } catch {
      // No clipboard (permissions, plain http): the address bar has the same link.
      copied.textContent = 'Copy the address bar: it holds this block.'
    }
  })

  const initial = hashToState(location.hash)
  if (initial) show(initial)
  else {
    selectPreset(view.state.doc.toString())
    update()
  }
  host.dataset.ready = 'true'
}
