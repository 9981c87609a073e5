package io.customerpulse.profile;

import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.withId;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** De-duplication by event id, kept as bytes in the customer's state. */
class SeenIdsTest {
    private final SeenIds seen = new SeenIds(Duration.ofHours(24), 3);

    private static CustomerEvent at(String id, long seconds) {
        return withId(interaction("c1", T0.plusSeconds(seconds)), id);
    }

    @Test
    void shouldTellARepeatedIdFromNewOnesWhateverTheirOrder() {
        Customer c = new Customer();
        assertThat(seen.checkAndRemember(c, at("b", 20))).isFalse();
        assertThat(seen.checkAndRemember(c, at("a", 10))).isFalse(); // earlier: goes first
        assertThat(seen.checkAndRemember(c, at("ä-ü", 30))).isFalse(); // not ASCII
        assertThat(seen.checkAndRemember(c, at("b", 99))).isTrue();
        assertThat(seen.checkAndRemember(c, at("ä-ü", 1))).isTrue();
        assertThat(seen.checkAndRemember(c, at("ab", 40))).isFalse(); // past the cap of 3
        assertThat(c.seenIdCount()).isEqualTo(3);
        assertThat(seen.checkAndRemember(c, at("a", 50))).isFalse(); // the oldest was forgotten
    }

    @Test
    void shouldForgetIdsOlderThanTheRetention() {
        Customer c = new Customer();
        seen.checkAndRemember(c, at("old", 0));
        seen.checkAndRemember(c, at("new", 3_600));
        seen.forget(c, T0.plus(Duration.ofHours(24)).toEpochMilli());
        assertThat(c.seenIdCount()).isEqualTo(1);
        assertThat(seen.checkAndRemember(c, at("old", 5))).isFalse();
        assertThat(seen.checkAndRemember(c, at("new", 5))).isTrue();
    }

    @Test
    void shouldKeepNoReferenceToTheEventsString() {
        Customer c = new Customer();
        seen.checkAndRemember(c, at("e-1", 0));
        assertThat(c.seen).isInstanceOf(byte[].class); // bytes, not the event's String
        assertThat(new String(c.seen, SeenIds.HEADER, 3, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("e-1");
    }

    /**
     * Against a plain model, through adds in and out of time order, repeats, the cap (the oldest
     * tenth at once), forgetting and reads back from state (the index of hashes built again).
     */
    @Test
    void shouldAgreeWithAPlainListWhateverHappens() throws Exception {
        SeenIds ids = new SeenIds(Duration.ofSeconds(500), 20);
        java.util.Random random = new java.util.Random(11);
        java.util.List<long[]> model = new java.util.ArrayList<>(); // {id, at} by at
        Customer c = new Customer();
        CustomerSerializer serializer = new CustomerSerializer();
        long clock = 0;
        for (int i = 0; i < 5_000; i++) {
            int op = random.nextInt(20);
            if (op == 0) { // read back: no index until an event needs one
                var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
                serializer.serialize(c, out);
                c =
                        serializer.deserialize(
                                new org.apache.flink.core.memory.DataInputDeserializer(
                                        out.getCopyOfBuffer()));
                continue;
            }
            if (op == 1) {
                long now = clock;
                ids.forget(c, T0.plusSeconds(now).toEpochMilli());
                model.removeIf(e -> e[1] <= now - 500);
                continue;
            }
            clock += random.nextInt(3);
            long id = op < 5 && i > 30 ? i - random.nextInt(30) : i; // a repeat of a recent one?
            long at = op == 5 ? clock - random.nextInt(50) : clock;
            boolean known = model.stream().anyMatch(e -> e[0] == id);
            assertThat(ids.checkAndRemember(c, at("e" + id, at)))
                    .as("op %d: e%d", i, id)
                    .isEqualTo(known);
            if (!known) {
                int p = 0;
                while (p < model.size() && model.get(p)[1] <= at) {
                    p++;
                }
                model.add(p, new long[] {id, at});
                if (model.size() > 20) {
                    model.subList(0, model.size() - 18).clear();
                }
            }
            assertThat(c.seenIdCount()).isEqualTo(model.size());
        }
    }
}
