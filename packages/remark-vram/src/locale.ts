/**
 * Labels of everything remark-vram writes, per locale.
 *
 * Templates take `{name}` placeholders; a `[...]` segment is dropped when a
 * placeholder inside it has no value (`Enable ZeRO[-{stage}]`).
 */

const enMessages = {
  // Breakdown table.
  'table.component': 'Component',
  'table.size': 'Size ({unit})',
  'table.sizePerDevice': 'Size per device ({unit})',
  'table.formula': 'Formula',
  'table.substituted': 'Substituted',
  'table.total': 'Total',
  'table.sources': 'Sources',
  // A source title per component; empty: the engine's own (English) title.
  'source.weights': '',
  'source.gradients': '',
  'source.optimizer': '',
  'source.activations': '',
  'source.kvCache': '',
  'source.buffers': '',
  'component.weights': 'Weights',
  'component.gradients': 'Gradients',
  'component.optimizer': 'Optimizer states',
  'component.activations': 'Activations',
  'component.kvCache': 'KV cache',
  'component.buffers': 'Buffers',
  'metric.total': 'Total',
  'metric.params': 'Parameters',

  // Caption.
  'caption.inference': 'inference',
  'caption.training': 'training',
  'caption.precision.mixed': 'mixed precision',
  'caption.precision.bf16': 'pure bf16',
  'caption.precision.fp32': 'fp32',
  'caption.optimizer.adamw': 'AdamW',
  'caption.optimizer.adam': 'Adam',
  'caption.optimizer.adamw-8bit': '8-bit AdamW',
  'caption.optimizer.sgd': 'SGD',
  'caption.optimizer.sgd-momentum': 'SGD with momentum',
  'caption.optimizer.adafactor': 'Adafactor',
  'caption.optimizer.lion': 'Lion',
  'caption.kvDtype': 'KV cache {dtype}',
  'caption.quantize.linear': '{dtype} linear layers (the rest bf16)',
  'caption.quantize.experts': '{dtype} experts (the rest bf16)',
  'caption.batch': 'B = {value}',
  'caption.seq': 'N = {value}',
  'caption.microBatch': 'micro-batch {value} × {steps} accumulation steps',
  'caption.oneDevice': '1 GPU',
  'caption.devices': '{count} GPUs ({layout})',
  'caption.sp': 'sequence parallel',
  'caption.zero': 'ZeRO-{stage}',
  'caption.offload.optimizer': 'optimizer offloaded to CPU',
  'caption.offload.params': 'parameters and optimizer offloaded to CPU',
  'caption.recompute': 'recompute {mode}',
  'caption.eager': 'eager attention',
  'caption.units.GB': 'Sizes in GB (10⁹ bytes)',
  'caption.units.GiB': 'Sizes in GiB (2³⁰ bytes)',
  'caption.unitsPerDevice.GB': 'Sizes per device, in GB (10⁹ bytes)',
  'caption.unitsPerDevice.GiB': 'Sizes per device, in GiB (2³⁰ bytes)',
  'caption.sweep': 'Sweep over {keys}',
  'caption.sweepAfterModel': ', sweep over {keys}',
  'caption.rowsColumns': ' (rows: {rows}, columns: {columns})',
  'caption.colon': ': ',
  'caption.comma': ', ',
  'caption.period': '. ',
  'caption.semicolon': '; ',
  'caption.end': '.',

  // Summary.
  'summary.fits': '{total} of {capacity} on {gpu} ({share}): fits, {headroom} headroom',
  'summary.over': '{total} of {capacity} on {gpu} ({share}): does not fit, {over} over',
  'summary.fitsPerDevice':
    '{total} per device of {capacity} on each of {gpu} ({share}): fits, {headroom} headroom',
  'summary.overPerDevice':
    '{total} per device of {capacity} on each of {gpu} ({share}): does not fit, {over} over',
  'summary.noGpu': '{total} in total[ per device on {devices} GPUs]; no GPU given, so no fit check',
  'summary.offloaded': '{size} offloaded to CPU memory per device',
  'summary.oneGpu': 'one {name}',
  'summary.manyGpus': '{count} × {name}',
  'summary.customGpu': 'a {capacity} GPU',
  'summary.customGpus': '{count} GPUs of {capacity}',

  // Solve.
  'solve.batch': 'Largest batch that fits: {value}[ ({total} per device)]',
  'solve.seq': 'Longest sequence that fits: {value}[ ({total} per device)]',
  'solve.gpus': 'Fewest GPUs that fit: {value}[ ({axis})][, {total} per device]',
  'solve.none.batch': 'No batch fits on this GPU',
  'solve.none.seq': 'No sequence length fits on this GPU',
  'solve.none.gpus': 'No layout within the search limit fits',
  'solve.seqContext':
    "Longest sequence that fits: {value}, the model's whole context[ ({total} per device)]",
  'solve.over.batch': 'More than {value} sequences fit; the search stops there',
  'solve.over.seq': 'More than {value} tokens fit; the search stops there',
  'solve.contextCell': '{value} (whole context)',
  'solve.header.batch': 'Max batch',
  'solve.header.seq': 'Max sequence',
  'solve.header.gpus': 'Min GPUs',
  'solve.missing': '—',

  // Sweeps.
  'vary.fits': 'Fits',
  'vary.key.model': 'Model',
  'vary.key.mode': 'Mode',
  'vary.key.dtype': 'Dtype',
  'vary.key.kv_dtype': 'KV dtype',
  'vary.key.precision': 'Precision',
  'vary.key.grad_dtype': 'Gradient dtype',
  'vary.key.optimizer': 'Optimizer',
  'vary.key.batch': 'Batch (B)',
  'vary.key.micro_batch': 'Micro-batch',
  'vary.key.grad_accum': 'Accumulation steps',
  'vary.key.seq': 'Sequence (N)',
  'vary.key.attention': 'Attention',
  'vary.key.recompute': 'Recompute',
  'vary.key.gpu': 'GPU',
  'vary.key.usable': 'Usable share',
  'vary.key.buffers': 'Buffers',
  'vary.key.accounting': 'Accounting',
  'vary.key.parallel.dp': 'DP',
  'vary.key.parallel.tp': 'TP',
  'vary.key.parallel.pp': 'PP',
  'vary.key.parallel.vpp': 'VPP',
  'vary.key.parallel.ep': 'EP',
  'vary.key.parallel.etp': 'ETP',
  'vary.key.parallel.cp': 'CP',
  'vary.key.parallel.sp': 'SP',
  'vary.key.parallel.zero': 'ZeRO stage',
  'vary.key.parallel.offload': 'Offload',
  'vary.header': '{metric} ({unit})',
  'vary.headerPerDevice': '{metric} per device ({unit})',
  'vary.corner': '{key} · {metric} ({unit})',
  'vary.cornerCount': '{key} · {metric}',

  // Values.
  yes: 'yes',
  no: 'no',

  // Advice (label keys come from vram-core).
  'advice.start': 'Your configuration',
  'advice.trainingOrInference': 'Training or inference?',
  'advice.checkOptimizer': 'Check the optimizer states',
  'advice.usesZero': 'Using ZeRO?',
  'advice.enableZero': 'Enable ZeRO[-{stage}]',
  'advice.activationsLarge': 'Activations large?[ ({share}%)]',
  'advice.recompute': 'Recompute activations[ ({recompute})]',
  'advice.moreTpPp': 'More TP / PP[ (TP {tp}, PP {pp})]',
  'advice.bottleneck': 'What dominates?',
  'advice.quantize': 'Quantize the weights[ ({dtype})]',
  'advice.usesGqa': 'Using GQA?',
  'advice.switchGqa': 'Switch to GQA[ ({kvHeads} KV heads)]',
  'advice.shrinkKv': 'Shrink the KV cache[ (KV {kvDtype}, N = {seq})]',
  'advice.moreTp': 'More tensor parallelism[ (TP {tp})]',
  'advice.solution': 'Fits[: {change}]',
  'advice.fitsAsIs': 'Fits as it is',
  'advice.noGpu': 'No GPU given',
  'advice.noSolution': 'Nothing in the chart fits',
  'advice.noOption': 'nothing left to try',
  'advice.edge.training': 'training',
  'advice.edge.inference': 'inference',
  'advice.edge.yes': 'yes',
  'advice.edge.no': 'no',
  'advice.edge.weights': 'weights',
  'advice.edge.kv': 'KV cache',
  'advice.edge.both': 'both',
  'advice.edge.stillTooBig': 'still too big',
  'advice.change.zero': 'ZeRO-{value}',
  'advice.change.tp': 'TP {value}',
  'advice.change.pp': 'PP {value}',
  'advice.change.sp': 'SP',
  'advice.change.recompute': 'recompute {value}',
  'advice.change.dtype': '{value} weights',
  'advice.change.kvDtype': 'KV {value}',
  'advice.change.seq': 'N = {value}',
  'advice.change.kvHeads': '{value} KV heads',
  'advice.change.gpus': '{value} GPUs',

  // Notices (with `errors: 'warn'`).
  'notice.prefix': 'remark-vram: ',
} as const

/** The key of a label in a {@link LocaleDictionary}. */
export type LabelKey = keyof typeof enMessages

/**
 * Everything remark-vram writes in one language. Add a locale with the
 * plugin's `locales` option; a partial dictionary falls back to English.
 */
export type LocaleDictionary = {readonly [Key in LabelKey]: string} & {
  /** BCP 47 tag handed to `Intl.NumberFormat` (`en`, `zh-CN`). */
  readonly intl: string
  /**
   * How parameter counts are written: `suffix` gives `7.62B` (K, M, B, T),
   * `compact` gives the locale's compact notation (`76.2亿` in Chinese).
   */
  readonly count: 'compact' | 'suffix'
}

/** English. */
export const en: LocaleDictionary = {intl: 'en', count: 'suffix', ...enMessages}

/** Simplified Chinese. Parameter counts keep the `7.62B` style of Chinese LLM writing. */
export const zh: LocaleDictionary = {
  intl: 'zh-CN',
  count: 'suffix',
  'table.component': '组成部分',
  'table.size': '显存 ({unit})',
  'table.sizePerDevice': '每卡显存 ({unit})',
  'table.formula': '公式',
  'table.substituted': '代入数值',
  'table.total': '合计',
  'table.sources': '来源',
  'source.weights': '原文 §3.1；切分方式同 Megatron-LM',
  'source.gradients': '原文 §3.3；FP32 梯度副本与 ZeRO 分片同 DeepSpeed',
  'source.optimizer': '原文 §3.2；ZeRO 论文（混合精度 Adam 的 K = 12）',
  'source.activations': 'Korthikanti 等，2022，表 2，按反向传播保存的张量逐一推导',
  'source.kvCache': '原文 §3.5；GQA、滑动窗口与 MLA 取自模型配置',
  'source.buffers': '原文 §3.6（“通常约 1–2 GB”）',
  'component.weights': '模型参数',
  'component.gradients': '梯度',
  'component.optimizer': '优化器状态',
  'component.activations': '激活值',
  'component.kvCache': 'KV 缓存',
  'component.buffers': '临时缓冲区',
  'metric.total': '合计',
  'metric.params': '参数量',
  'caption.inference': '推理',
  'caption.training': '训练',
  'caption.precision.mixed': '混合精度',
  'caption.precision.bf16': '纯 bf16',
  'caption.precision.fp32': 'fp32',
  'caption.optimizer.adamw': 'AdamW',
  'caption.optimizer.adam': 'Adam',
  'caption.optimizer.adamw-8bit': '8-bit AdamW',
  'caption.optimizer.sgd': 'SGD',
  'caption.optimizer.sgd-momentum': '带动量的 SGD',
  'caption.optimizer.adafactor': 'Adafactor',
  'caption.optimizer.lion': 'Lion',
  'caption.kvDtype': 'KV 缓存 {dtype}',
  'caption.quantize.linear': '线性层 {dtype}（其余 bf16）',
  'caption.quantize.experts': '专家 {dtype}（其余 bf16）',
  'caption.batch': 'B = {value}',
  'caption.seq': 'N = {value}',
  'caption.microBatch': '微批次 {value} × 累积 {steps} 步',
  'caption.oneDevice': '1 张 GPU',
  'caption.devices': '{count} 张 GPU（{layout}）',
  'caption.sp': '序列并行',
  'caption.zero': 'ZeRO-{stage}',
  'caption.offload.optimizer': '优化器卸载到 CPU',
  'caption.offload.params': '参数和优化器卸载到 CPU',
  'caption.recompute': '重计算 {mode}',
  'caption.eager': 'eager 注意力',
  'caption.units.GB': '单位 GB（10⁹ 字节）',
  'caption.units.GiB': '单位 GiB（2³⁰ 字节）',
  'caption.unitsPerDevice.GB': '每卡显存，单位 GB（10⁹ 字节）',
  'caption.unitsPerDevice.GiB': '每卡显存，单位 GiB（2³⁰ 字节）',
  'caption.sweep': '对比 {keys}',
  'caption.sweepAfterModel': '，对比 {keys}',
  'caption.rowsColumns': '（行：{rows}，列：{columns}）',
  'caption.colon': '：',
  'caption.comma': '，',
  'caption.period': '。',
  'caption.semicolon': '；',
  'caption.end': '。',
  'summary.fits': '{gpu}：{total} / {capacity}（{share}），装得下，余量 {headroom}',
  'summary.over': '{gpu}：{total} / {capacity}（{share}），装不下，超出 {over}',
  'summary.fitsPerDevice': '{gpu}：每卡 {total} / {capacity}（{share}），装得下，余量 {headroom}',
  'summary.overPerDevice': '{gpu}：每卡 {total} / {capacity}（{share}），装不下，超出 {over}',
  'summary.noGpu': '[{devices} 张 GPU，每卡]合计 {total}；未指定 GPU，未做装载检查',
  'summary.offloaded': '每卡另有 {size} 卸载到 CPU 内存',
  'summary.oneGpu': '单张 {name}',
  'summary.manyGpus': '{count} × {name}',
  'summary.customGpu': '单张 {capacity} GPU',
  'summary.customGpus': '{count} 张 {capacity} GPU',
  'solve.batch': '装得下的最大 batch：{value}[（每卡 {total}）]',
  'solve.seq': '装得下的最长序列：{value}[（每卡 {total}）]',
  'solve.gpus': '装得下所需的最少 GPU：{value}[（{axis}）][，每卡 {total}]',
  'solve.none.batch': '这张 GPU 上任何 batch 都装不下',
  'solve.none.seq': '这张 GPU 上任何序列长度都装不下',
  'solve.none.gpus': '搜索范围内没有装得下的并行方案',
  'solve.seqContext': '装得下的最长序列：{value}，即模型的完整上下文[（每卡 {total}）]',
  'solve.over.batch': '装得下超过 {value} 条序列，搜索到此为止',
  'solve.over.seq': '装得下超过 {value} 个 token，搜索到此为止',
  'solve.contextCell': '{value}（完整上下文）',
  'solve.header.batch': '最大 batch',
  'solve.header.seq': '最长序列',
  'solve.header.gpus': '最少 GPU',
  'solve.missing': '—',
  'vary.fits': '装得下',
  'vary.key.model': '模型',
  'vary.key.mode': '模式',
  'vary.key.dtype': '数据类型',
  'vary.key.kv_dtype': 'KV 数据类型',
  'vary.key.precision': '精度',
  'vary.key.grad_dtype': '梯度数据类型',
  'vary.key.optimizer': '优化器',
  'vary.key.batch': 'Batch (B)',
  'vary.key.micro_batch': '微批次',
  'vary.key.grad_accum': '梯度累积步数',
  'vary.key.seq': '序列长度 (N)',
  'vary.key.attention': '注意力',
  'vary.key.recompute': '重计算',
  'vary.key.gpu': 'GPU',
  'vary.key.usable': '可用比例',
  'vary.key.buffers': '临时缓冲区',
  'vary.key.accounting': '计法',
  'vary.key.parallel.dp': 'DP',
  'vary.key.parallel.tp': 'TP',
  'vary.key.parallel.pp': 'PP',
  'vary.key.parallel.vpp': 'VPP',
  'vary.key.parallel.ep': 'EP',
  'vary.key.parallel.etp': 'ETP',
  'vary.key.parallel.cp': 'CP',
  'vary.key.parallel.sp': 'SP',
  'vary.key.parallel.zero': 'ZeRO 阶段',
  'vary.key.parallel.offload': '卸载',
  'vary.header': '{metric} ({unit})',
  'vary.headerPerDevice': '每卡{metric} ({unit})',
  'vary.corner': '{key} · {metric} ({unit})',
  'vary.cornerCount': '{key} · {metric}',
  yes: '是',
  no: '否',
  'advice.start': '当前配置',
  'advice.trainingOrInference': '训练还是推理？',
  'advice.checkOptimizer': '检查优化器状态',
  'advice.usesZero': '用了 ZeRO 吗？',
  'advice.enableZero': '启用 ZeRO[-{stage}]',
  'advice.activationsLarge': '激活值占比大吗？[（{share}%）]',
  'advice.recompute': '激活重计算[（{recompute}）]',
  'advice.moreTpPp': '增加 TP / PP[（TP {tp}，PP {pp}）]',
  'advice.bottleneck': '瓶颈在哪里？',
  'advice.quantize': '量化权重[（{dtype}）]',
  'advice.usesGqa': '用了 GQA 吗？',
  'advice.switchGqa': '改用 GQA[（{kvHeads} 个 KV 头）]',
  'advice.shrinkKv': '压缩 KV 缓存[（KV {kvDtype}，N = {seq}）]',
  'advice.moreTp': '增加张量并行[（TP {tp}）]',
  'advice.solution': '装得下[：{change}]',
  'advice.fitsAsIs': '原配置即可装下',
  'advice.noGpu': '未指定 GPU',
  'advice.noSolution': '图中方案都装不下',
  'advice.noOption': '已无可用手段',
  'advice.edge.training': '训练',
  'advice.edge.inference': '推理',
  'advice.edge.yes': '是',
  'advice.edge.no': '否',
  'advice.edge.weights': '权重',
  'advice.edge.kv': 'KV 缓存',
  'advice.edge.both': '两者',
  'advice.edge.stillTooBig': '仍装不下',
  'advice.change.zero': 'ZeRO-{value}',
  'advice.change.tp': 'TP {value}',
  'advice.change.pp': 'PP {value}',
  'advice.change.sp': 'SP',
  'advice.change.recompute': '重计算 {value}',
  'advice.change.dtype': '权重 {value}',
  'advice.change.kvDtype': 'KV {value}',
  'advice.change.seq': 'N = {value}',
  'advice.change.kvHeads': '{value} 个 KV 头',
  'advice.change.gpus': '{value} 张 GPU',
  'notice.prefix': 'remark-vram：',
}

/** The built-in dictionaries. */
export const locales: Readonly<Record<string, LocaleDictionary>> = {en, zh}

/**
 * The dictionary for `name`: `extra[name]` over the built-in one for `name`
 * (or its language, `zh-TW` → `zh`), over English.
 */
export function resolveLocale(
  name: string,
  extra: Readonly<Record<string, Partial<LocaleDictionary>>> = {},
): LocaleDictionary {
  const language = name.split('-')[0] ?? name
  // Own properties only: a locale named `constructor` is unknown, not Object's.
  const pick = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
    Object.hasOwn(table, key) ? table[key] : undefined
  const base = pick(locales, name) ?? pick(locales, language) ?? en
  const added = pick(extra, name) ?? pick(extra, language)
  return added ? {...en, ...base, ...added} : base
}

/**
 * Fills a template: `{name}` takes `params.name`; a `[...]` segment is kept only
 * when every placeholder inside it has a value.
 */
export function fill(
  template: string,
  params: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const has = (name: string) => params[name] !== undefined && params[name] !== ''
  const optional = template.replace(/\[([^[\]]*)\]/g, (_, inner: string) => {
    const names = [...inner.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string)
    return names.every(has) ? inner : ''
  })
  return optional.replace(/\{(\w+)\}/g, (whole, name: string) =>
    has(name) ? String(params[name]) : whole,
  )
}
