/**
 * Vision encoders of multimodal checkpoints, counted from their
 * `vision_config` (transformers' modelling code of each, v4.5x) when a writer
 * includes them (`model: {extends: gemma-3-27b, vision: true}`):
 *
 * - `siglip_vision_model` (Gemma 3): per layer q/k/v/o with biases, fc1/fc2
 *   with biases, two LayerNorms; patch conv with bias; one position per patch;
 *   post-LayerNorm. Gemma 3's projector: `mm_input_projection_weight`
 *   (vision × text hidden) and `mm_soft_emb_norm` (RMSNorm, vision hidden).
 * - `llama4_vision_model`: unfold patch projection (no bias), class
 *   embedding, positions for patches + class, pre/post LayerNorms, layers as
 *   SigLIP's, the pixel-shuffle MLP adapter (intermediate → projector input →
 *   projector output, no biases) and the projector to the text hidden size.
 * - `pixtral` (Mistral 3): per layer q/k/v/o and a gated MLP without biases,
 *   two RMSNorms; patch conv without bias; `ln_pre`. Mistral 3's projector:
 *   RMSNorm, the 2×2 patch merger (4h → h) and a two-layer MLP to the text
 *   hidden size.
 *
 * Only the weights: the encoder's activations per image are not modelled.
 */
import type {HfConfig} from './presets.js'

export interface VisionEncoder {
  /** `model_type` of the vision config. */
  type: string
  /** Encoder and projector parameters. */
  params: number
  /** The encoder's shape, where the config gives it (Ollama sizes its vision graph from it). */
  shape?: VisionShape | undefined
}

/** What Ollama's `VisionGraphSize` reads of a vision encoder. */
export interface VisionShape {
  imageSize: number
  patchSize: number
  channels: number
  heads: number
  hidden: number
  /** Encoder parameters (Ollama's `v.*` tensors), projector excluded. */
  encoderParams: number
}

const int = (config: HfConfig, key: string, fallback?: number): number | undefined => {
  const value = config[key]
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback
}

/**
 * The parameters of the vision encoder and projector of a multimodal config,
 * or `undefined` when the encoder type is not one this module counts.
 */
export function visionEncoder(
  vision: HfConfig,
  textHidden: number,
  wrapper: HfConfig,
): VisionEncoder | undefined {
  const type = typeof vision.model_type === 'string' ? vision.model_type : ''
  const h = int(vision, 'hidden_size')
  const i = int(vision, 'intermediate_size')
  const layers = int(vision, 'num_hidden_layers')
  const patch = int(vision, 'patch_size')
  const channels = int(vision, 'num_channels', 3) as number
  if (h === undefined || layers === undefined || patch === undefined) return undefined
  if (type === 'siglip_vision_model' && i !== undefined) {
    const image = int(vision, 'image_size')
    if (image === undefined) return undefined
    const layer = 4 * (h * h + h) + (h * i + i) + (i * h + h) + 2 * 2 * h
    const patches = (image / patch) ** 2
    const encoder = layers * layer + (channels * patch * patch * h + h) + patches * h + 2 * h
    // Gemma 3's projector: the input projection and the soft-embedding norm.
    const projector = h * textHidden + h
    const heads = int(vision, 'num_attention_heads', 16) as number
    return {
      type,
      params: encoder + projector,
      shape: {
        imageSize: image,
        patchSize: patch,
        channels,
        heads,
        hidden: h,
        encoderParams: encoder,
      },
    }
  }
  if (type === 'llama4_vision_model' && i !== undefined) {
    const image = int(vision, 'image_size')
    const projectorInput = int(vision, 'projector_input_dim')
    const projectorOutput = int(vision, 'projector_output_dim')
    const output = int(vision, 'vision_output_dim')
    if (!image || !projectorInput || !projectorOutput || !output) return undefined
    const layer = 4 * (h * h + h) + (h * i + i) + (i * h + h) + 2 * 2 * h
    const positions = (image / patch) ** 2 + 1
    const encoder = channels * patch * patch * h + h + positions * h + 2 * 2 * h + layers * layer
    const adapter = i * projectorInput + projectorInput * projectorOutput
    const projector = output * textHidden
    return {type, params: encoder + adapter + projector}
  }
  if (type === 'pixtral' && i !== undefined) {
    const layer = 4 * h * h + 3 * h * i + 2 * h
    const encoder = layers * layer + channels * patch * patch * h + h
    const merge = int(wrapper, 'spatial_merge_size', 2) as number
    const projector = h + merge * merge * h * h + h * textHidden + textHidden * textHidden
    return {type, params: encoder + projector}
  }
  return undefined
}
