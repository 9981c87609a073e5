package io.customerpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.config.JobConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonEventDecoderTest {
    private final JsonEventDecoder decoder =
            new JsonEventDecoder(new EventNormalizer(JobConfig.parse(Map.of("mode", "replay"))));

    private IngestRecord decode(String line) {
        return decoder.decode(line, new SourceRef("events.jsonl", 0, 7), 0L);
    }

    @Test
    void shouldDecodeTheExamplesOfTheDesign() {
        IngestRecord order =
                decode(
                        "{\"type\":\"order\",\"event_id\":\"o1\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-01T10:00:00Z\",\"marketplace\":\"US\",\"order_id\":\"A1\",\"total_minor\":12999,\"currency\":\"USD\",\"lines\":[{\"asin\":\"B00X\",\"quantity\":1,\"unit_price_minor\":12999}]}");
        assertThat(order.getEvent().getKind()).isEqualTo(EventKind.ORDER);
        assertThat(order.getEvent().getEventTime())
                .isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
        assertThat(order.getEvent().getAmountMinor()).isEqualTo(12_999);

        assertThat(
                        decode(
                                        "{\"type\":\"return\",\"event_id\":\"r1\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-09T08:00:00Z\",\"marketplace\":\"US\",\"order_id\":\"A1\",\"refund_minor\":12999,\"currency\":\"USD\",\"reason\":\"DEFECTIVE\"}")
                                .getEvent()
                                .getKind())
                .isEqualTo(EventKind.RETURN);
        assertThat(
                        decode(
                                        "{\"type\":\"ad\",\"event_id\":\"a1\",\"customer_id\":\"c1\",\"event_time\":\"2025-02-27T21:15:00Z\",\"marketplace\":\"US\",\"ad_type\":\"CLICK\",\"campaign_id\":\"SP-1\",\"ad_group_id\":\"G1\",\"asin\":\"B00X\",\"cost_minor\":89,\"currency\":\"USD\"}")
                                .getEvent()
                                .getKind())
                .isEqualTo(EventKind.CLICK);
        assertThat(
                        decode(
                                        "{\"type\":\"interaction\",\"event_id\":\"i1\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-20T12:00:00Z\",\"marketplace\":\"US\",\"interaction_type\":\"MESSAGE\",\"asin\":\"B00X\",\"rating\":null}")
                                .getEvent()
                                .getKind())
                .isEqualTo(EventKind.INTERACTION);
    }

    /** The lines of DESIGN §2's newer inputs: a shipment, a reply to a message, feedback. */
    @Test
    void shouldDecodeShipmentsRepliesAndFeedbackAboutAnOrder() {
        IngestRecord delivered =
                decode(
                        "{\"type\":\"shipment\",\"event_id\":\"s1\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-03T10:00:00Z\",\"marketplace\":\"US\",\"order_id\":\"A1\",\"status\":\"DELIVERED\",\"carrier\":\"UPS\"}");
        assertThat(delivered.getEvent().getKind()).isEqualTo(EventKind.INTERACTION);
        assertThat(delivered.getEvent().getInteractionType()).isEqualTo("DELIVERED");
        assertThat(delivered.getEvent().getOrderId()).isEqualTo("A1");
        IngestRecord reply =
                decode(
                        "{\"type\":\"interaction\",\"event_id\":\"i2\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-20T13:00:00Z\",\"marketplace\":\"US\",\"interaction_type\":\"SELLER_REPLY\",\"reply_to\":\"i1\"}");
        assertThat(reply.getEvent().getReplyTo()).isEqualTo("i1");
        IngestRecord feedback =
                decode(
                        "{\"type\":\"interaction\",\"event_id\":\"i3\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-21T13:00:00Z\",\"marketplace\":\"US\",\"interaction_type\":\"FEEDBACK\",\"order_id\":\"A1\",\"rating\":2}");
        assertThat(feedback.getEvent().getOrderId()).isEqualTo("A1");
        assertThat(feedback.getEvent().getRating()).isEqualTo(2);
        IngestRecord lost =
                decode(
                        "{\"type\":\"shipment\",\"event_id\":\"s2\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-03T10:00:00Z\",\"marketplace\":\"US\",\"order_id\":\"A1\",\"status\":\"LOST\"}");
        assertThat(lost.getRejected().getReason()).isEqualTo("MALFORMED");
        assertThat(lost.getRejected().getDetail()).contains("LOST");
    }

    @Test
    void shouldRejectWhatDoesNotDecodeWithItsLine() {
        IngestRecord broken = decode("{\"type\":\"order\",");
        assertThat(broken.getRejected().getReason()).isEqualTo("MALFORMED");
        assertThat(broken.getRejected().getOffset()).isEqualTo(7);
        assertThat(new String(broken.getRejected().getPayload().array(), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"order\",");
        assertThat(decode("{\"type\":\"wishlist\"}").getRejected().getReason())
                .isEqualTo("UNKNOWN_TYPE");
        assertThat(
                        decode(
                                        "{\"type\":\"interaction\",\"event_id\":\"i1\",\"customer_id\":\"c1\",\"marketplace\":\"US\",\"interaction_type\":\"MESSAGE\"}")
                                .getRejected()
                                .getDetail())
                .contains("event_time");
        assertThat(
                        decode(
                                        "{\"type\":\"return\",\"event_id\":\"r1\",\"customer_id\":\"c1\",\"event_time\":\"2025-03-09T08:00:00Z\",\"marketplace\":\"US\",\"order_id\":\"A1\",\"refund_minor\":12.5,\"currency\":\"USD\"}")
                                .getRejected()
                                .getReason())
                .isEqualTo("MALFORMED");
    }
}
