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
  'source.model': 'Model',
  'component.weights': 'Weights',
  'component.frozenWeights': 'Frozen base weights',
  'component.adapter': 'Adapter weights',
  'component.adapterGradients': 'Adapter gradients',
  'component.adapterOptimizer': 'Adapter optimizer states',
  'component.adapterActivations': 'Activations',
  'component.gradients': 'Gradients',
  'component.optimizer': 'Optimizer states',
  'component.activations': 'Activations',
  'component.kvCache': 'KV cache',
  'component.buffers': 'Buffers',
  'component.computeBuffer': 'Compute buffer',
  'component.engineReserve': 'Engine reserve',
  'table.host': 'Host ({unit})',
  'caption.engine': '{engine}: {settings}',
  'summary.host': '{host} in host memory[ of {capacity}]',
  'component.communication': 'Communication buffers',
  'component.cudaContext': 'CUDA context',
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
  'caption.optimizer.paged-adamw': 'paged AdamW',
  'caption.optimizer.paged-adamw-8bit': 'paged 8-bit AdamW',
  'caption.optimizer.sgd': 'SGD',
  'caption.optimizer.sgd-momentum': 'SGD with momentum',
  'caption.optimizer.adafactor': 'Adafactor',
  'caption.optimizer.lion': 'Lion',
  'caption.kvDtype': 'KV cache {dtype}',
  'caption.adapter': '{method} r = {rank} on {targets}',
  'caption.quantize.linear': '{dtype} linear layers (the rest bf16)',
  'caption.quantize.experts': '{dtype} experts (the rest bf16)',
  'caption.quantizeScope': 'quantized: {scope}',
  'caption.batch': 'B = {value}',
  'caption.seq': 'N = {value}',
  'caption.microBatch': 'micro-batch {value} × {steps} accumulation steps',
  'caption.microBatchOnly': 'micro-batch {value}',
  'caption.oneDevice': '1 GPU',
  'caption.devices': '{count} GPUs ({layout})',
  'caption.devicesOnly': '{count} GPUs',
  'caption.gpu': 'on {gpu}',
  'caption.sp': 'sequence parallel',
  'caption.zero': 'ZeRO-{stage}',
  'caption.offload.optimizer': 'optimizer offloaded to CPU',
  'caption.offload.params': 'parameters and optimizer offloaded to CPU',
  'caption.recompute': 'recompute {mode}',
  'caption.recomputeOffload': 'recompute full, checkpoints offloaded to CPU',
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
  'caption.listSeparator': ', ',
  'caption.end': '.',

  // Summary.
  'summary.fits': '{total} of {capacity} on {gpu} ({share}): fits, {headroom} headroom',
  'summary.over': '{total} of {capacity} on {gpu} ({share}): does not fit, {over} over',
  'summary.fitsPerDevice':
    '{total} per device of {capacity} on each of {gpu} ({share}): fits, {headroom} headroom',
  'summary.overPerDevice':
    '{total} per device of {capacity} on each of {gpu} ({share}): does not fit, {over} over',
  'summary.noGpu': '{total} in total[ per device on {devices} GPUs]; no GPU given, so no fit check',
  'summary.partial':
    '{total} without {left} (needs the model’s {fields}); no fit check on a total that leaves it out',
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
  'solve.ctx': 'Longest context that fits: {value} tokens[ ({total} per device)]',
  'solve.layers': 'Most layers on the GPU: {value}[ ({total} on the GPU)]',
  'solve.none.ctx': 'No context fits on this GPU',
  'solve.none.layers': 'Even with every layer on the CPU the block does not fit',
  'solve.over.ctx': 'More than {value} tokens fit; the search stops there',
  'solve.over.layers': 'Every layer fits',
  'solve.header.ctx': 'Max context',
  'solve.header.layers': 'GPU layers',
  'solve.missing': '—',

  // Sweeps.
  'vary.fits': 'Fits',
  'vary.key.devices': 'GPUs',
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
  'vary.key.framework': 'Framework',
  'vary.key.gpu': 'GPU',
  'vary.key.usable': 'Usable share',
  'vary.key.buffers': 'Buffers',
  'vary.key.accounting': 'Accounting',
  'vary.key.quantize': 'Quantized weights',
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
  'vary.withSettings': '{label} ({settings})',
  'vary.noFitCheck': 'No fit check: the totals leave out {left} (needs the model’s {fields})',

  // Fit marks: words, so they survive any Markdown and screen readers announce them.
  'mark.fits': ' (fits)',
  'mark.over': ' (does not fit)',

  // Values of swept keys (mode, precision and optimizer use the caption's words).
  'value.recompute.none': 'none',
  'value.recompute.selective': 'selective',
  'value.recompute.full': 'full',
  'value.recompute.offload': 'full, checkpoints offloaded to CPU',
  'value.attention.flash': 'flash',
  'value.attention.eager': 'eager',
  'value.parallel.offload.none': 'none',
  'value.parallel.offload.optimizer': 'optimizer',
  'value.parallel.offload.params': 'parameters and optimizer',
  'value.accounting.deepspeed': 'DeepSpeed',
  'value.accounting.paper': 'paper',
  'value.quantize.all': 'all weights',
  'value.quantize.linear': 'linear layers',
  'value.quantize.experts': 'experts',

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
  'advice.oneGpu': 'Nothing to shard: what can the run give up?',
  'advice.microBatch': 'Smaller micro-batch[ ({microBatch} × {gradAccum} steps)]',
  'advice.optimizer8bit': '8-bit optimizer states (bitsandbytes AdamW8bit)',
  'advice.cpuOffload': 'Offload the optimizer to CPU[ (ZeRO-{stage})]',
  'advice.lora': 'Train a LoRA adapter instead[ (r = {rank}, {targets})]',
  'advice.qlora': 'Quantize the frozen base: QLoRA[ ({dtype})]',
  'advice.solution': 'Fits[: {change}]',
  'advice.fitsAsIs': 'Fits as it is',
  'advice.noGpu': 'No GPU given',
  'advice.noSolution': 'Nothing in the chart fits',
  'advice.noOption': 'nothing left to try',
  'advice.skipped': 'already so, or not applicable',
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
  'advice.change.microBatch': 'micro-batch {value}',
  'advice.change.gradAccum': '{value} accumulation steps',
  'advice.change.optimizer': '{value}',
  'advice.change.offload': '{value} offloaded to CPU',
  'advice.change.adapter': '{value}',
  'advice.change.gpus': '{value} GPUs',
  'advice.change.ctx': 'context {value}',
  'advice.change.gpuLayers': '{value} GPU layers',
  'advice.localKv': 'Quantize the KV cache[ ({type})]',
  'advice.localCtx': 'Shorter context[ ({ctx} tokens)]',
  'advice.localLayers': 'Fewer layers on the GPU, the rest on the CPU[ ({layers})]',
  'advice.localQuant': 'A smaller quant of the weights[ ({dtype})]',

  // Serving (`serve:`): vLLM's own budget.
  'serving.activations': 'Activation peak (profile run)',
  'serving.kvCache': 'KV cache blocks',
  'serving.buffers': 'Non-torch memory',
  'caption.serve': 'vLLM: max_model_len {maxModelLen}, gpu_memory_utilization {utilization}',
  'summary.serve':
    'vLLM on {gpu}: {utilization} × {cudaTotal} (CUDA-visible) = {requested} requested; {kv} left for the KV cache: {tokens} tokens, maximum concurrency {concurrency} for {maxModelLen} tokens per request',
  'summary.serveFails': 'vLLM on {gpu} would not start: {reason}',
  'vary.kvTokens': 'KV cache tokens',
  'vary.maxConcurrency': 'Max concurrency',

  // Notices (with `errors: 'warn'`).
  'notice.prefix': 'remark-vram: ',

  // `measured:` beside the estimate.
  'measured.line':
    '{name}, measured: {measured}[ ({written} as published)][ by {how}]; computed {computed}, ratio {ratio} (computed / measured, {verdict})',
  'measured.within': 'within ±{tolerance}',
  'measured.outside': 'outside ±{tolerance}',
  'measured.source': 'source',
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
  'table.size': '显存（{unit}）',
  'table.sizePerDevice': '每卡显存（{unit}）',
  'table.formula': '公式',
  'table.substituted': '代入数值',
  'table.total': '合计',
  'table.sources': '来源',
  'source.model': '模型',
  'component.weights': '模型参数',
  'component.frozenWeights': '冻结的基座权重',
  'component.adapter': '适配器权重',
  'component.adapterGradients': '适配器梯度',
  'component.adapterOptimizer': '适配器优化器状态',
  'component.adapterActivations': '激活值',
  'component.gradients': '梯度',
  'component.optimizer': '优化器状态',
  'component.activations': '激活值',
  'component.kvCache': 'KV 缓存',
  'component.buffers': '临时缓冲区',
  'component.computeBuffer': '计算缓冲区',
  'component.engineReserve': '引擎预留',
  'table.host': '主机内存（{unit}）',
  'caption.engine': '{engine}：{settings}',
  'summary.host': '主机内存 {host}[ / {capacity}]',
  'component.communication': '通信缓冲区',
  'component.cudaContext': 'CUDA 上下文',
  'metric.total': '合计',
  'metric.params': '参数量',
  'caption.inference': '推理',
  'caption.training': '训练',
  'caption.precision.mixed': '混合精度',
  'caption.precision.bf16': '纯 bf16',
  'caption.precision.fp32': 'fp32',
  'caption.optimizer.adamw': 'AdamW',
  'caption.optimizer.adam': 'Adam',
  'caption.optimizer.adamw-8bit': '8 位 AdamW',
  'caption.optimizer.paged-adamw': '分页 AdamW',
  'caption.optimizer.paged-adamw-8bit': '分页 8 位 AdamW',
  'caption.optimizer.sgd': 'SGD',
  'caption.optimizer.sgd-momentum': '带动量的 SGD',
  'caption.optimizer.adafactor': 'Adafactor',
  'caption.optimizer.lion': 'Lion',
  'caption.kvDtype': 'KV 缓存 {dtype}',
  'caption.adapter': '{method}（r = {rank}，作用于 {targets}）',
  'caption.quantize.linear': '线性层 {dtype}（其余 bf16）',
  'caption.quantize.experts': '专家 {dtype}（其余 bf16）',
  'caption.quantizeScope': '量化范围：{scope}',
  'caption.batch': 'B = {value}',
  'caption.seq': 'N = {value}',
  'caption.microBatch': '微批次 {value} × 累积 {steps} 步',
  'caption.microBatchOnly': '微批次 {value}',
  'caption.oneDevice': '1 张 GPU',
  'caption.devices': '{count} 张 GPU（{layout}）',
  'caption.devicesOnly': '{count} 张 GPU',
  'caption.gpu': '使用 {gpu}',
  'caption.sp': '序列并行',
  'caption.zero': 'ZeRO-{stage}',
  'caption.offload.optimizer': '优化器卸载到 CPU',
  'caption.offload.params': '参数和优化器卸载到 CPU',
  'caption.recompute': '{mode}重计算',
  'caption.recomputeOffload': '完全重计算，检查点卸载到 CPU',
  'caption.eager': '标准注意力实现（eager）',
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
  'caption.listSeparator': '、',
  'caption.end': '。',
  'summary.fits': '{gpu}：{total} / {capacity}（{share}），装得下，余量 {headroom}',
  'summary.over': '{gpu}：{total} / {capacity}（{share}），装不下，超出 {over}',
  'summary.fitsPerDevice': '{gpu}：每卡 {total} / {capacity}（{share}），装得下，余量 {headroom}',
  'summary.overPerDevice': '{gpu}：每卡 {total} / {capacity}（{share}），装不下，超出 {over}',
  'summary.noGpu': '[{devices} 张 GPU，每卡]合计 {total}；未指定 GPU，未做装载检查',
  'summary.partial': '合计 {total}，不含 {left}（需要模型的 {fields}）；合计不完整，未做装载检查',
  'summary.offloaded': '每卡另有 {size} 卸载到 CPU 内存',
  'summary.oneGpu': '单张 {name}',
  'summary.manyGpus': '{count} × {name}',
  'summary.customGpu': '单张 {capacity} GPU',
  'summary.customGpus': '{count} 张 {capacity} GPU',
  'solve.batch': '装得下的最大批大小：{value}[（每卡 {total}）]',
  'solve.seq': '装得下的最长序列：{value}[（每卡 {total}）]',
  'solve.gpus': '装得下所需的最少 GPU：{value}[（{axis}）][，每卡 {total}]',
  'solve.none.batch': '这张 GPU 上任何批大小都装不下',
  'solve.none.seq': '这张 GPU 上任何序列长度都装不下',
  'solve.none.gpus': '搜索范围内没有装得下的并行方案',
  'solve.seqContext': '装得下的最长序列：{value}，即模型的完整上下文[（每卡 {total}）]',
  'solve.over.batch': '装得下超过 {value} 条序列，搜索到此为止',
  'solve.over.seq': '装得下超过 {value} 个 token，搜索到此为止',
  'solve.contextCell': '{value}（完整上下文）',
  'solve.header.batch': '最大批大小',
  'solve.header.seq': '最长序列',
  'solve.header.gpus': '最少 GPU',
  'solve.ctx': '装得下的最长上下文：{value} 个 token[（每卡 {total}）]',
  'solve.layers': '能放上 GPU 的最多层数：{value}[（GPU 上 {total}）]',
  'solve.none.ctx': '这张 GPU 上任何上下文长度都装不下',
  'solve.none.layers': '即使所有层都留在 CPU 上也装不下',
  'solve.over.ctx': '装得下超过 {value} 个 token，搜索到此为止',
  'solve.over.layers': '所有层都放得下',
  'solve.header.ctx': '最长上下文',
  'solve.header.layers': 'GPU 层数',
  'solve.missing': '—',
  'serving.activations': '激活峰值（profile 运行）',
  'serving.kvCache': 'KV 缓存块',
  'serving.buffers': '非 PyTorch 显存',
  'caption.serve': 'vLLM：max_model_len {maxModelLen}，gpu_memory_utilization {utilization}',
  'summary.serve':
    '{gpu} 上的 vLLM：{utilization} × {cudaTotal}（CUDA 可见）= 申请 {requested}；留给 KV 缓存 {kv}：{tokens} 个 token，每请求 {maxModelLen} 个 token 时最大并发 {concurrency}',
  'summary.serveFails': '{gpu} 上的 vLLM 无法启动：{reason}',
  'vary.kvTokens': 'KV 缓存 token 数',
  'vary.maxConcurrency': '最大并发',
  'vary.fits': '装得下',
  'vary.key.devices': 'GPU 数',
  'vary.key.model': '模型',
  'vary.key.mode': '模式',
  'vary.key.dtype': '数据类型',
  'vary.key.kv_dtype': 'KV 数据类型',
  'vary.key.precision': '精度',
  'vary.key.grad_dtype': '梯度数据类型',
  'vary.key.optimizer': '优化器',
  'vary.key.batch': '批大小（B）',
  'vary.key.micro_batch': '微批次',
  'vary.key.grad_accum': '梯度累积步数',
  'vary.key.seq': '序列长度（N）',
  'vary.key.attention': '注意力',
  'vary.key.recompute': '重计算',
  'vary.key.framework': '框架',
  'vary.key.gpu': 'GPU',
  'vary.key.usable': '可用比例',
  'vary.key.buffers': '临时缓冲区',
  'vary.key.accounting': '计法',
  'vary.key.quantize': '量化范围',
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
  'vary.header': '{metric}（{unit}）',
  'vary.headerPerDevice': '每卡{metric}（{unit}）',
  'vary.corner': '{key} · {metric}（{unit}）',
  'vary.cornerCount': '{key} · {metric}',
  'vary.withSettings': '{label}（{settings}）',
  'vary.noFitCheck': '未做装载检查：合计不含 {left}（需要模型的 {fields}）',
  'mark.fits': '（装得下）',
  'mark.over': '（装不下）',
  'value.recompute.none': '不重计算',
  'value.recompute.selective': '选择性',
  'value.recompute.full': '完全',
  'value.recompute.offload': '完全（检查点卸载到 CPU）',
  'value.attention.flash': 'FlashAttention',
  'value.attention.eager': '标准实现（eager）',
  'value.parallel.offload.none': '不卸载',
  'value.parallel.offload.optimizer': '优化器',
  'value.parallel.offload.params': '参数和优化器',
  'value.accounting.deepspeed': 'DeepSpeed 计法',
  'value.accounting.paper': '论文计法',
  'value.quantize.all': '全部权重',
  'value.quantize.linear': '线性层',
  'value.quantize.experts': '专家',
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
  'advice.oneGpu': '无从切分：还能省掉什么？',
  'advice.microBatch': '减小微批次[（{microBatch} × {gradAccum} 步累积）]',
  'advice.optimizer8bit': '8 位优化器状态（bitsandbytes AdamW8bit）',
  'advice.cpuOffload': '把优化器卸载到 CPU[（ZeRO-{stage}）]',
  'advice.lora': '改为训练 LoRA 适配器[（r = {rank}，{targets}）]',
  'advice.qlora': '量化冻结的基座：QLoRA[（{dtype}）]',
  'advice.solution': '装得下[：{change}]',
  'advice.fitsAsIs': '原配置即可装下',
  'advice.noGpu': '未指定 GPU',
  'advice.noSolution': '图中方案都装不下',
  'advice.noOption': '已无可用手段',
  'advice.skipped': '已经如此，或不适用',
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
  'advice.change.recompute': '{value}重计算',
  'advice.change.dtype': '权重 {value}',
  'advice.change.kvDtype': 'KV {value}',
  'advice.change.seq': 'N = {value}',
  'advice.change.kvHeads': '{value} 个 KV 头',
  'advice.change.microBatch': '微批次 {value}',
  'advice.change.gradAccum': '{value} 步梯度累积',
  'advice.change.optimizer': '{value}',
  'advice.change.offload': '{value} 卸载到 CPU',
  'advice.change.adapter': '{value}',
  'advice.change.gpus': '{value} 张 GPU',
  'advice.change.ctx': '上下文 {value}',
  'advice.change.gpuLayers': 'GPU 上 {value} 层',
  'advice.localKv': '量化 KV 缓存[（{type}）]',
  'advice.localCtx': '缩短上下文[（{ctx} 个 token）]',
  'advice.localLayers': '少放几层到 GPU，其余留在 CPU[（{layers} 层）]',
  'advice.localQuant': '换更小的量化[（{dtype}）]',
  'notice.prefix': 'remark-vram：',
  'measured.line':
    '实测 {name}：{measured}[（原文 {written}）][，测量方式 {how}]；计算值 {computed}，比值 {ratio}（计算值 / 实测值，{verdict}）',
  'measured.within': '在 ±{tolerance} 以内',
  'measured.outside': '超出 ±{tolerance}',
  'measured.source': '来源',
}

/**
 * Labels that read the same in every language: product names (AdamW, SGD),
 * symbols (`B = {value}`, `TP`, `ZeRO-{stage}`) and pure templates. Every
 * other label of a built-in dictionary must differ from English, and a test
 * holds each dictionary to it, so a label added without its translation fails.
 */
export const sameInEveryLanguage: ReadonlySet<LabelKey> = new Set<LabelKey>([
  'caption.precision.fp32',
  'caption.optimizer.adamw',
  'caption.optimizer.adam',
  'caption.optimizer.sgd',
  'caption.optimizer.adafactor',
  'caption.optimizer.lion',
  'caption.batch',
  'caption.seq',
  'caption.zero',
  'summary.manyGpus',
  'solve.missing',
  'vary.key.gpu',
  'vary.key.parallel.dp',
  'vary.key.parallel.tp',
  'vary.key.parallel.pp',
  'vary.key.parallel.vpp',
  'vary.key.parallel.ep',
  'vary.key.parallel.etp',
  'vary.key.parallel.cp',
  'vary.key.parallel.sp',
  'vary.cornerCount',
  'advice.change.zero',
  'advice.change.tp',
  'advice.change.pp',
  'advice.change.sp',
  'advice.change.kvDtype',
  'advice.change.seq',
  'advice.change.optimizer',
  'advice.change.adapter',
])

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
  const added = addedLabels(extra, name)
  return added ? {...en, ...base, ...added.labels} : base
}

/**
 * The labels `extra` gives for `name` (or its language) that are strings, and
 * the keys of those that are not (`null`, a number): those keep the built-in
 * label, and the plugin warns about them.
 */
export function addedLabels(
  extra: Readonly<Record<string, unknown>>,
  name: string,
): {locale: string; labels: Partial<LocaleDictionary>; invalid: string[]} | undefined {
  const language = name.split('-')[0] ?? name
  const locale = Object.hasOwn(extra, name) ? name : Object.hasOwn(extra, language) ? language : ''
  if (locale === '') return undefined
  const given = extra[locale]
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    return {locale, labels: {}, invalid: ['']}
  const labels: Record<string, string> = {}
  const invalid: string[] = []
  for (const [key, value] of Object.entries(given)) {
    if (typeof value === 'string') labels[key] = value
    else invalid.push(key)
  }
  return {locale, labels: labels as Partial<LocaleDictionary>, invalid}
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
