package io.customerpulse.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes Avro records as the plain JSON of the replay outputs (DESIGN section 9): every field
 * present in schema order, null when empty, times as ISO-8601 UTC, dates as YYYY-MM-DD, enums by
 * name, bytes as base64. (Avro's own JSON encoding wraps unions, which readers of these files
 * should not have to know about.)
 */
public final class AvroJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private AvroJson() {}

    /** One JSON line, without the line break. */
    public static String toJson(IndexedRecord record) {
        try {
            return MAPPER.writeValueAsString(toMap(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.getSchema().getName(), e);
        }
    }

    /** The record as an ordered map of plain values. */
    public static Map<String, Object> toMap(IndexedRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            map.put(f.name(), plain(record.get(f.pos())));
        }
        return map;
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof LocalDate d) {
            return d.toString();
        }
        if (v instanceof CharSequence || v instanceof Enum<?>) {
            return v.toString();
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof IndexedRecord r) {
            return toMap(r);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v.toString();
    }
}
