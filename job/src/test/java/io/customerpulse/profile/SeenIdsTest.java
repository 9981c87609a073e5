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
}
