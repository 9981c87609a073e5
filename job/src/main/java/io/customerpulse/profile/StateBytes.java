package io.customerpulse.profile;

import java.util.Arrays;

/**
 * A growable byte array that {@link CustomerSerializer} writes a customer into before handing it to
 * Flink in one {@code write}: plain array stores instead of a call per byte through {@code
 * DataOutputView}, where the write-back of a customer spent most of its time (JFR of {@code
 * scripts/bench e2e}: 33 of 58 samples of the write-back before a barrier were in the serializer).
 * It writes exactly the bytes the serializer wrote before: zig-zag varints and Flink's {@code
 * StringValue} encoding ({@code StateBytesTest} compares both).
 */
final class StateBytes {
    private static final int HIGH_BIT = 0x80;

    byte[] bytes;
    int length;

    StateBytes(int capacity) {
        bytes = new byte[capacity];
    }

    /** Empties it for the next customer; an array grown past {@code maxKept} is let go. */
    void reset(int capacity, int maxKept) {
        length = 0;
        if (bytes.length > maxKept) {
            bytes = new byte[capacity];
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    void write(byte[] b, int offset, int n) {
        ensure(n);
        System.arraycopy(b, offset, bytes, length, n);
        length += n;
    }

    /** Zig-zag, then 7 bits a byte, low first (as Avro and protobuf do). */
    void writeVarLong(long value) {
        ensure(10);
        long v = (value << 1) ^ (value >> 63);
        byte[] b = bytes;
        int n = length;
        while ((v & ~0x7FL) != 0) {
            b[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[n++] = (byte) v;
        length = n;
    }

    /**
     * A string as Flink's {@code StringValue.writeString}: 0 for null, else the length plus one and
     * then each char, each 7 bits a byte, high bit set on all bytes but the last.
     */
    void writeString(String s) {
        if (s == null) {
            writeByte(0);
            return;
        }
        int chars = s.length();
        ensure(5 + 3 * chars);
        byte[] b = bytes;
        int n = length;
        int len = chars + 1;
        while (len >= HIGH_BIT) {
            b[n++] = (byte) (len | HIGH_BIT);
            len >>>= 7;
        }
        b[n++] = (byte) len;
        for (int i = 0; i < chars; i++) {
            int c = s.charAt(i);
            while (c >= HIGH_BIT) {
                b[n++] = (byte) (c | HIGH_BIT);
                c >>>= 7;
            }
            b[n++] = (byte) c;
        }
        length = n;
    }
}
