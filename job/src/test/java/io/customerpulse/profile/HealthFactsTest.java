package io.customerpulse.profile;

import static io.customerpulse.testing.Events.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.HealthDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the customer operator's steps add to seller health (DESIGN section 12), at its boundaries,
 * in Flink's harness on RocksDB: sums per marketplace and day, sent before each watermark.
 */
class HealthFactsTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration MS = Duration.ofMillis(1);

    private static CustomerEvent message(String customer, String id, Instant at) {
        CustomerEvent m = withId(interaction(customer, "MESSAGE", at), id);
        return m;
    }

    private static CustomerEvent reply(String customer, String to, Instant at) {
        CustomerEvent r = interaction(customer, "SELLER_REPLY", at);
        r.setReplyTo(to);
        return r;
    }

    private static String day(Instant t) {
        return "US " + t.atOffset(java.time.ZoneOffset.UTC).toLocalDate();
    }

    /**
     * A reply exactly at the 24-hour deadline answers the message; one a millisecond later does
     * not. Both count on the deadline's day, when the deadline has passed.
     */
    @Test
    void shouldCountAReplyAtTheDeadlineAndNotAMillisecondAfter() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            Instant asked = T0.plus(Duration.ofHours(1));
            Instant deadline = asked.plus(DAY);
            h.send(message("c1", "m1", asked), reply("c1", "m1", deadline));
            h.send(message("c2", "m2", asked), reply("c2", "m2", deadline.plus(MS)));
            h.watermark(deadline.minus(MS));
            assertThat(h.health().get(day(deadline))).isNull(); // not due yet
            h.watermark(deadline);
            HealthDelta d = h.health().get(day(deadline));
            assertThat(d.getMessagesDue()).isEqualTo(2);
            assertThat(d.getAnsweredIn24h()).isEqualTo(1);
            // a reply is the seller's: an interaction there, never the customer's activity
            assertThat(h.health().get(day(asked)).getEvents()).isEqualTo(2);
        }
    }

    /**
     * Orders count once per order_id; the repeat-buyer GMV gets a customer's first order of the
     * month on the day of the second, then each further one; a new month starts over.
     */
    @Test
    void shouldCountRepeatBuyerGmvFromTheSecondOrderOfTheMonth() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            Instant june2 = Instant.parse("2025-06-02T10:00:00Z");
            Instant june9 = Instant.parse("2025-06-09T10:00:00Z");
            Instant june20 = Instant.parse("2025-06-20T10:00:00Z");
            Instant july1 = Instant.parse("2025-07-01T10:00:00Z");
            CustomerEvent first = order("c1", "A1", 1_000, june2);
            h.send(first, withId(first, "retry-of-A1")); // a producer retry: counted once
            h.send(order("c1", "A2", 2_000, june9), order("c1", "A3", 4_000, june20));
            h.send(order("c1", "A4", 8_000, july1));
            h.watermark(july1);
            Map<String, HealthDelta> health = h.health();
            assertThat(health.get(day(june2)).getOrders()).isEqualTo(1);
            assertThat(health.get(day(june2)).getGmvMinor()).isEqualTo(1_000);
            assertThat(health.get(day(june2)).getRepeatGmvMinor()).isZero();
            assertThat(health.get(day(june9)).getRepeatGmvMinor()).isEqualTo(3_000);
            assertThat(health.get(day(june20)).getRepeatGmvMinor()).isEqualTo(4_000);
            assertThat(health.get(day(july1)).getRepeatGmvMinor()).isZero();
        }
    }

    @Test
    void shouldCountFeedbackByRating() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            for (int rating = 1; rating <= 5; rating++) {
                h.send(feedback("c" + rating, rating, T0));
            }
            h.send(feedback("c6", null, T0)); // a complaint is not feedback
            h.watermark(T0);
            HealthDelta d = h.health().get(day(T0));
            assertThat(d.getFeedback()).isEqualTo(5);
            assertThat(d.getNegativeFeedback()).isEqualTo(2);
            assertThat(d.getPositiveFeedback()).isEqualTo(2);
            assertThat(d.getEvents()).isEqualTo(6);
        }
    }
}
