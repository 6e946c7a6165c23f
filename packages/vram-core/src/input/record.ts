/**
 * A YAML or JSON mapping (not `null`, not a list): what every reader checks
 * before looking up keys. The one definition, shared by the core, the plugin
 * and the CLI.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
