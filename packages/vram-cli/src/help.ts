const exitCodes = `Exit status:
  0  success
  1  a check failed: a generated region is stale or an \`expect\` does not match;
     sync left a file alone because a region in it was edited by hand
  2  invalid input (printed as FILE:LINE:COLUMN: message [ruleId]) or a usage error
  3  internal error (a bug in vram; please report it)`

const pluginOptions = `Options (passed to remark-vram):
  --locale NAME         label language: en or zh (default: the page's lang: front matter, else en)
  --units GB|GiB        units for blocks without a \`units\` key (default GB)
  --gpu ID|SIZE         GPU for blocks without a \`gpu\` key
  --mermaid SHAPE       advice chart as code (default), pre or docusaurus
  --citations STYLE     sources under formulas: full (default), short or none
  -h, --help            show this help`

export const help: Record<string, string> = {
  main: `vram: GPU memory of LLM training and inference, from \`vram\` blocks

Usage:
  vram <command> [options]

Commands:
  calc [FILE|-]         compute one block (its YAML body) and print a table or JSON
  models                list the model presets
  models pull ID...     pin Hugging Face models in vram.models.json (config, commit, count)
  gpus                  list the GPU presets
  render FILE...        print markdown with every \`\`\`vram block expanded
  sync FILE|GLOB...     write each block's expansion next to it, between markers
  check FILE|GLOB...    fail when a generated region is stale or an \`expect\` fails
  schema                print the JSON Schema of a block
  help [command]        show help for a command

Options:
  -h, --help            show help (also \`vram <command> --help\`)
  -v, --version         print the version

${exitCodes}

Colour is used only when stdout is a terminal and NO_COLOR is unset (FORCE_COLOR=1 forces it).`,

  calc: `vram calc: compute one vram block

Usage:
  vram calc [FILE|-] [--json] [--KEY VALUE ...]

FILE holds the YAML body of one block (what goes between the \`\`\`vram fences).
\`-\`, or no FILE and no block flags, reads stdin. With block flags and no FILE,
the block is built from the flags alone; with both, the flags override the file.

Options:
  --json                print the JSON contract instead of a table:
                        {model: {id, params, trainableParams?}, devices, perDevice: {weights,
                        adapter?, gradients, optimizer, activations, kvCache, buffers, total},
                        capacity?, fits?},
                        {scenarios: [...]} with \`vary\`, plus \`solved\` with \`solve\`;
                        a component a params-only model cannot compute is null
                        (so is the total and \`fits\`), named in \`missing\`
  -h, --help            show this help

Block flags (each value is read as YAML, so \`--model '{params: 7B}'\` is a mapping):
  --model --mode --dtype --quantize --kv-dtype --precision --grad-dtype
  --optimizer --batch --micro-batch --grad-accum --seq --attention --recompute
  --parallel --gpu --usable --buffers --accounting --adapter --units --show
  --vary --metric --solve --expect --id (underscore spellings such as --kv_dtype work too)
Parallel shortcuts (set one key of \`parallel\`):
  --tp --dp --pp --ep --cp --vpp --etp --zero --offload VALUE, and --sp

Examples:
  vram calc block.yaml
  vram calc --json block.yaml
  cat block.yaml | vram calc -
  vram calc --model llama-2-7b --mode training --batch 8 --seq 4096 \\
            --dtype bf16 --gpu h100-sxm-80gb --tp 2 --zero 2
  vram calc --model qwen2.5-7b --gpu h100 --vary '{dtype: [bf16, fp8, int4]}'

Diagnostics go to stderr as FILE:LINE:COLUMN: message [ruleId] (suggestion);
for a value given as a flag, as --flag: message [ruleId]. Warnings do not change
the exit status.

${exitCodes}
  (calc: 1 when an \`expect\` does not match; the result is still printed)`,

  models: `vram models: list the model presets

Usage:
  vram models [--json]

Shows each preset's short id, Hugging Face id, exact parameter count (and the
active count per token for mixture-of-experts models), layers, hidden size,
attention heads and KV heads. A block's \`model:\` accepts either id.

Options:
  --json                print the list as JSON
  -h, --help            show this help`,

  pull: `vram models pull: pin Hugging Face models for offline builds

Usage:
  vram models pull ID[@REV]... [--update] [--file PATH] [--timeout SECONDS]
  vram models pull --update

ID is a Hub repository (ORG/NAME), or ORG/NAME/FILE.gguf for one GGUF file of
a GGUF repository (its header is read by HTTP range requests, never the
tensors). REV is a branch, tag or commit (default main).

For each ID, reads the model info (commit and the Hub's exact parameter count,
safetensors.total) and config.json at that commit, and stores them in
vram.models.json: the nearest one at or above the working directory, else a
new one at the documentation root (the nearest folder with a package.json or
.git). A block's \`model: ORG/NAME\` then resolves to the pin like a catalogue
preset; builds, \`vram check\` and the plugin read the file, never the network.
An id already pinned is left as it is.

Environment:
  HF_ENDPOINT           the Hub's URL (default https://huggingface.co; a mirror
                        with the same URL layout works)
  HF_TOKEN              a token for gated or private repositories, sent as a
                        bearer token and never written anywhere

Options:
  --update              move pins forward to their revision's newest commit and
                        show what changed (commit, counts, config fields); with
                        no ID, every pin in the file
  --file PATH           the pin file to write (default: found as above)
  --timeout SECONDS     per request (default 30)
  -h, --help            show this help

Exit status:
  0  every model pinned (or already pinned)
  1  a model could not be pulled (the others are still written)
  2  a usage error, or the pin file could not be written (e.g. it changed
     while vram was pulling: nothing is written then)`,

  gpus: `vram gpus: list the GPU presets

Usage:
  vram gpus [--json]

Shows each preset's id, name, capacity as the driver reports it (nvidia-smi
total) in GiB and GB, the vendor's label and where the capacity comes from.
A block's \`gpu:\` accepts the id or an alias.

Options:
  --json                print the list as JSON
  -h, --help            show this help`,
  schema: `vram schema: print the JSON Schema of a block

Usage:
  vram schema > vram-block.schema.json

Prints the JSON Schema (draft 2020-12) of a \`\`\`vram block's YAML body: every
key, its values and its limits, from the same declaration as the README's key
table. Editors (YAML language server) and the playground complete and check
blocks with it; vram's own reader still gives the positioned diagnostics.

Options:
  -h, --help            show this help`,
  render: `vram render: print markdown with every vram block expanded

Usage:
  vram render [options] FILE|GLOB|- ...

Runs each file through remark-parse, remark-gfm, remark-math, remark-vram and
remark-stringify, exactly as a site using the plugin would, and prints the
result (files one after the other). \`-\` reads stdin. Inline references
(\`vram:ID.PATH\`) are replaced too. Front matter (\`---\` YAML, \`+++\` TOML)
is kept as it is.

${pluginOptions}

${exitCodes}`,

  sync: `vram sync: write each block's expansion next to it

Usage:
  vram sync [options] FILE|GLOB|FOLDER ...

In place, keeps each \`\`\`vram block and writes its expansion (the plugin's
output as markdown) right after it, between markers:

  <!-- vram:begin ID hash=HASH -->
  ...generated markdown...
  <!-- vram:end -->

so the source stays editable and GitHub shows the table. An existing region
right after a block is replaced; text outside the markers is never touched
(line endings and the final newline included). Re-running changes nothing.
Each file is written atomically (a temporary file in the same folder, then a
rename, keeping the mode; a hard-linked file is written in place once the copy
is on disk, so its links stay). A file with a diagnostic (or an \`expect\`
mismatch), or a read-only file, is not written at all. A region edited by
hand (its text no longer matches the hash in its begin marker) is not
overwritten: vram names it, prints the diff, leaves the file as it is and
exits 1, unless --force. A FOLDER means its **/*.{md,markdown,mdx} files;
globs skip node_modules and .git.

Options:
  --force               overwrite generated regions that were edited by hand

${pluginOptions}

${exitCodes}`,

  check: `vram check: fail when generated regions are stale

Usage:
  vram check [options] FILE|GLOB|FOLDER ...

Writes nothing. Computes what \`vram sync\` would write and compares: when a
region is missing, stale, or edited by hand (its hash no longer matches), it
prints a unified diff to stdout and the \`vram sync\` command that fixes it to
stderr, and exits 1. An \`expect\` mismatch also exits 1. Invalid blocks
exit 2, with FILE:LINE:COLUMN: message [ruleId]. Pass the same options as to
\`vram sync\`, or every region looks stale.

${pluginOptions}

${exitCodes}`,
}

/** Help for a command name, or `undefined` when the name is unknown. */
export function helpFor(command: string): string | undefined {
  return help[command]
}
