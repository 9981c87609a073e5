package io.customerpulse.kafka;

import java.io.IOException;
import org.apache.avro.Schema;

/**
 * Checks that Avro binary bytes can be a record of a schema before anything is allocated for them.
 * Avro's decoder trusts every length prefix: a corrupt one (a string of 2,000,000,000 bytes, an
 * array of a billion items in a 60-byte message) makes it allocate that much, and the {@code
 * OutOfMemoryError} that follows is not an exception a deserializer can catch and dead-letter. This
 * walks the schema over the bytes without decoding them, and refuses any length or item count
 * larger than the bytes left (an item of a type that can take no bytes at all is bounded by {@link
 * #MAX_EMPTY_ITEMS} instead), any union branch or enum symbol that does not exist, a message that
 * ends early, and bytes left over.
 */
public final class AvroBounds {
    /** The most items of a type that can be written in zero bytes (null, an empty record). */
    static final long MAX_EMPTY_ITEMS = 1 << 16;

    private final byte[] bytes;
    private int pos;

    private AvroBounds(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.pos = offset;
    }

    /**
     * Throws an {@link IOException} naming what is wrong and where, unless {@code bytes} from
     * {@code offset} to the end are exactly one record of {@code schema}.
     */
    public static void check(Schema schema, byte[] bytes, int offset) throws IOException {
        AvroBounds walk = new AvroBounds(bytes, offset);
        walk.skip(schema);
        if (walk.pos != bytes.length) {
            throw new IOException(
                    "trailing bytes after the record: "
                            + (bytes.length - walk.pos)
                            + " of "
                            + bytes.length);
        }
    }

    private void skip(Schema schema) throws IOException {
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> advance(1, "boolean");
            case INT, LONG -> readVarLong();
            case FLOAT -> advance(4, "float");
            case DOUBLE -> advance(8, "double");
            case FIXED -> advance(schema.getFixedSize(), "fixed " + schema.getName());
            case STRING, BYTES -> advance(length(schema.getType().getName()), "its length");
            case ENUM -> {
                long symbol = readVarLong();
                if (symbol < 0 || symbol >= schema.getEnumSymbols().size()) {
                    throw error("enum " + schema.getName() + " has no symbol " + symbol);
                }
            }
            case UNION -> {
                long branch = readVarLong();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw error("union has no branch " + branch);
                }
                skip(schema.getTypes().get((int) branch));
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    skip(field.schema());
                }
            }
            case ARRAY -> skipBlocks(schema.getElementType(), false);
            case MAP -> skipBlocks(schema.getValueType(), true);
        }
    }

    /** Arrays and maps: blocks of items, each block a count (negative: followed by its size). */
    private void skipBlocks(Schema item, boolean map) throws IOException {
        while (true) {
            long count = readVarLong();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length("block"); // the block's size in bytes: checked, then walked item by item
            }
            long left = bytes.length - pos;
            // an item takes at least a byte, unless its type can be written in none (a map
            // entry always has its key's length); the schema is looked at only past the bytes left
            if (count > left && (map || count > MAX_EMPTY_ITEMS || !canBeEmpty(item))) {
                throw error(
                        (map ? "map" : "array")
                                + " of "
                                + count
                                + " items with "
                                + (bytes.length - pos)
                                + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                if (map) {
                    advance(length("map key"), "its length");
                }
                skip(item);
            }
        }
    }

    /** Whether a value of {@code schema} can be written in zero bytes. */
    private static boolean canBeEmpty(Schema schema) {
        return switch (schema.getType()) {
            case NULL -> true;
            case FIXED -> schema.getFixedSize() == 0;
            case RECORD -> schema.getFields().stream().allMatch(f -> canBeEmpty(f.schema()));
            default -> false; // a union's branch index, a length or a count takes a byte
        };
    }

    /** A length prefix, checked against the bytes left. */
    private int length(String what) throws IOException {
        long length = readVarLong();
        if (length < 0 || length > bytes.length - pos) {
            throw error(what + " of " + length + " bytes with " + (bytes.length - pos) + " left");
        }
        return (int) length;
    }

    private void advance(int n, String what) throws IOException {
        if (n > bytes.length - pos) {
            throw error("message ends inside " + what);
        }
        pos += n;
    }

    /** Avro's zig-zag variable-length long. */
    private long readVarLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= bytes.length) {
                throw error("message ends inside a number");
            }
            byte b = bytes[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw error("a number longer than 10 bytes");
    }

    private IOException error(String what) {
        return new IOException(what + " (at byte " + pos + ")");
    }
}
