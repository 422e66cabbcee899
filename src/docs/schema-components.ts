// TypeBox schemas to plain JSON Schema for the OpenAPI document: every schema with an `$id` becomes a
// component (`#/components/schemas/<$id>`) referenced where it is used, and two different schemas claiming
// one `$id` stop the build.
import type { TSchema } from '@feathersjs/typebox'

type Json = Record<string, any>

/** Turns TypeBox schemas into plain JSON Schema, collecting `$id` schemas as named components. */
export class SchemaComponents {
  readonly schemas: Record<string, Json> = {}
  private readonly serialized = new Map<string, string>()

  /** A schema for use in the document: a `$ref` when it has an `$id`, else the schema inline. */
  use(schema: TSchema | Json): Json {
    // The JSON round trip drops TypeBox's symbol keys (Kind, Modifier) and undefined values.
    return this.convert(JSON.parse(JSON.stringify(schema)))
  }

  private convert(node: any, isComponentRoot = false): any {
    if (Array.isArray(node)) return node.map((item) => this.convert(item))
    if (node === null || typeof node !== 'object') return node
    if (typeof node.$id === 'string' && !isComponentRoot) return this.register(node)
    const out: Json = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue
      // `properties`, `patternProperties`… map names to schemas: their keys are not keywords
      out[key] = this.convert(value)
    }
    return out
  }

  private register(node: Json): Json {
    const name: string = node.$id
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Schema $id "${name}" is not a valid component name`)
    const body = this.convert(node, true)
    const text = JSON.stringify(body)
    const known = this.serialized.get(name)
    if (known === undefined) {
      this.serialized.set(name, text)
      this.schemas[name] = body
    } else if (known !== text) {
      throw new Error(`Two different schemas share the $id "${name}": give one of them another $id`)
    }
    return { $ref: `#/components/schemas/${name}` }
  }
}
