package io.customerpulse.testing;

import org.apache.avro.Schema;

/** Schemas as a producer's earlier version might have had them. */
public final class EarlierSchemas {
    private EarlierSchemas() {}

    /** {@code schema} without its fields that have defaults (a reader of today fills them in). */
    public static Schema withoutDefaultedFields(Schema schema) {
        return Schema.createRecord(
                schema.getName(),
                null,
                schema.getNamespace(),
                false,
                schema.getFields().stream()
                        .filter(f -> !f.hasDefaultValue())
                        .map(f -> new Schema.Field(f, f.schema()))
                        .toList());
    }
}
