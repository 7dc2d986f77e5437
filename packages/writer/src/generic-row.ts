/**
 * Pinot's GenericRow: field values (a scalar, or an array for multi-value fields) plus the set
 * of fields whose value is a null marker. A field marked null is treated as null whatever value
 * it holds (Pinot's putDefaultNullValue keeps the default value beside the marker).
 */
export class GenericRow {
  private readonly values = new Map<string, unknown>();
  private readonly nullFields = new Set<string>();

  static from(values: Record<string, unknown>): GenericRow {
    const row = new GenericRow();
    for (const [k, v] of Object.entries(values)) row.putValue(k, v);
    return row;
  }

  putValue(field: string, value: unknown): this {
    this.values.set(field, value);
    return this;
  }

  getValue(field: string): unknown {
    return this.values.get(field);
  }

  removeValue(field: string): unknown {
    const v = this.values.get(field);
    this.values.delete(field);
    return v;
  }

  /** Sets the value and marks the field null (Pinot's putDefaultNullValue). */
  putDefaultNullValue(field: string, defaultValue: unknown): this {
    this.values.set(field, defaultValue);
    this.nullFields.add(field);
    return this;
  }

  addNullValueField(field: string): this {
    this.nullFields.add(field);
    return this;
  }

  removeNullValueField(field: string): boolean {
    return this.nullFields.delete(field);
  }

  isNullValue(field: string): boolean {
    return this.nullFields.has(field);
  }

  getNullValueFields(): ReadonlySet<string> {
    return this.nullFields;
  }

  getFieldToValueMap(): ReadonlyMap<string, unknown> {
    return this.values;
  }

  /** The row as a plain object, null-marked fields as null. */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.values) out[k] = this.nullFields.has(k) ? null : v;
    for (const k of this.nullFields) if (!(k in out)) out[k] = null;
    return out;
  }

  clear(): void {
    this.values.clear();
    this.nullFields.clear();
  }
}
