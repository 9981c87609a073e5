package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/** The serializer's byte array writes what Flink's encodings and the reader expect. */
class StateBytesTest {
    @Test
    void shouldWriteStringsExactlyAsFlinksStringValue() throws Exception {
        List<String> strings = new ArrayList<>(List.of("", "a", "SP-1", "ü", "€uro", "😀 face"));
        strings.add("x".repeat(127));
        strings.add("y".repeat(128));
        strings.add("\u0080\u07ff\u0800\uffff".repeat(50));
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            char[] cs = new char[random.nextInt(300)];
            for (int k = 0; k < cs.length; k++) {
                cs[k] = (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            strings.add(new String(cs));
        }
        strings.add(null);
        for (String s : strings) {
            DataOutputSerializer flink = new DataOutputSerializer(16);
            StringValue.writeString(s, flink);
            StateBytes ours = new StateBytes(1); // grows on the way
            ours.writeString(s);
            assertThat(Arrays.copyOf(ours.bytes, ours.length))
                    .as("%s", s)
                    .isEqualTo(flink.getCopyOfBuffer());
        }
    }

    @Test
    void shouldWriteVarLongsThatTheSerializerReadsBack() throws Exception {
        long[] values = {0, 1, -1, 63, 64, -64, -65, 1L << 35, Long.MAX_VALUE, Long.MIN_VALUE};
        Random random = new Random(11);
        StateBytes bytes = new StateBytes(1);
        List<Long> written = new ArrayList<>();
        for (long v : values) {
            bytes.writeVarLong(v);
            written.add(v);
        }
        for (int i = 0; i < 1000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            bytes.writeVarLong(v);
            written.add(v);
        }
        DataInputDeserializer in =
                new DataInputDeserializer(Arrays.copyOf(bytes.bytes, bytes.length));
        for (long v : written) {
            assertThat(CustomerSerializer.readVarLong(in)).isEqualTo(v);
        }
        assertThat(in.available()).isZero();
    }
}
