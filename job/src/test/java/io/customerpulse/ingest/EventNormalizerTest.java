package io.customerpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.AdType;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderLine;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.OrderShipment;
import io.customerpulse.avro.ShipmentStatus;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventNormalizerTest {
    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
    private final EventNormalizer live = new EventNormalizer(JobConfig.defaults());
    private final EventNormalizer replay =
            new EventNormalizer(JobConfig.parse(Map.of("mode", "replay")));

    private static OrderPlaced.Builder order() {
        return OrderPlaced.newBuilder()
                .setEventId("o1")
                .setCustomerId("c1")
                .setEventTime(NOW.minus(Duration.ofDays(1)))
                .setMarketplace("US")
                .setOrderId("A1")
                .setLines(List.of(new OrderLine("B00X", 1, 12_999L)))
                .setTotalMinor(12_999)
                .setCurrency("USD");
    }

    private static Interaction.Builder interaction() {
        return Interaction.newBuilder()
                .setEventId("i1")
                .setCustomerId("c1")
                .setEventTime(NOW)
                .setMarketplace("US")
                .setInteractionType("REVIEW");
    }

    private String reasonOf(org.apache.avro.specific.SpecificRecord r) {
        return reasonOf(live, r);
    }

    private static String reasonOf(EventNormalizer n, org.apache.avro.specific.SpecificRecord r) {
        IngestRecord out =
                n.toIngest(
                        r, new SourceRef("orders", 3, 42), new byte[] {1, 2}, NOW.toEpochMilli());
        return out.getRejected() == null ? "VALID" : out.getRejected().getReason();
    }

    @Test
    void shouldAcceptAValidOrderAndKeepItsAmount() throws Rejection {
        CustomerEvent e = live.normalize(order().build(), NOW.toEpochMilli());
        assertThat(e.getKind()).isEqualTo(EventKind.ORDER);
        assertThat(e.getAmountMinor()).isEqualTo(12_999);
        assertThat(e.getOrderId()).isEqualTo("A1");
    }

    @Test
    void shouldConvertToTheReportingCurrency() throws Rejection {
        CustomerEvent e =
                live.normalize(
                        order().setCurrency("JPY").setTotalMinor(1_000).build(),
                        NOW.toEpochMilli());
        assertThat(e.getAmountMinor()).isEqualTo(670);
    }

    @Test
    void shouldAcceptRealOldAndLargeOrders() {
        // CDNOW: 1997; Online Retail: the largest invoice, GBP 168,469.60
        assertThat(reasonOf(order().setEventTime(Instant.parse("1997-01-01T00:00:00Z")).build()))
                .isEqualTo("VALID");
        assertThat(reasonOf(order().setCurrency("GBP").setTotalMinor(16_846_960).build()))
                .isEqualTo("VALID");
    }

    @Test
    void shouldGiveEachBrokenRuleItsReason() {
        assertThat(reasonOf(order().setCustomerId("").build())).isEqualTo("MISSING_CUSTOMER_ID");
        assertThat(reasonOf(order().setEventId(" ").build())).isEqualTo("MISSING_EVENT_ID");
        assertThat(reasonOf(order().setTotalMinor(-1).build())).isEqualTo("NEGATIVE_AMOUNT");
        assertThat(reasonOf(order().setTotalMinor(100_000_001).build()))
                .isEqualTo("AMOUNT_TOO_LARGE");
        assertThat(reasonOf(order().setTotalMinor(Long.MAX_VALUE).setCurrency("GBP").build()))
                .isEqualTo("AMOUNT_TOO_LARGE");
        assertThat(reasonOf(order().setCurrency("XXX").build())).isEqualTo("UNKNOWN_CURRENCY");
        assertThat(reasonOf(order().setCurrency("CHF").build())).isEqualTo("UNKNOWN_CURRENCY");
        assertThat(
                        reasonOf(
                                order().setEventTime(Instant.parse("1989-12-31T23:59:59.999Z"))
                                        .build()))
                .isEqualTo("EVENT_TIME_TOO_EARLY");
        assertThat(
                        reasonOf(
                                order().setEventTime(NOW.plus(Duration.ofDays(1)).plusMillis(1))
                                        .build()))
                .isEqualTo("EVENT_TIME_IN_FUTURE");
        assertThat(reasonOf(order().setCustomerId("x".repeat(257)).build()))
                .isEqualTo("FIELD_TOO_LONG");
        assertThat(reasonOf(order().setCustomerId("c\u00001").build())).isEqualTo("INVALID_ID");
        assertThat(reasonOf(order().setCustomerId("c\u202e1").build())).isEqualTo("INVALID_ID");
        assertThat(reasonOf(order().setCustomerId(" c1").build())).isEqualTo("INVALID_ID");
        assertThat(reasonOf(order().setLines(List.of(new OrderLine("B", 0, 1L))).build()))
                .isEqualTo("INVALID_LINE");
        assertThat(reasonOf(order().setOrderId("").build())).isEqualTo("MISSING_FIELD");
    }

    @Test
    void shouldNotCheckTheWallClockInReplay() {
        assertThat(reasonOf(replay, order().setEventTime(NOW.plus(Duration.ofDays(400))).build()))
                .isEqualTo("VALID");
    }

    @Test
    void shouldAcceptNonAsciiIds() {
        assertThat(reasonOf(order().setCustomerId("kunde-müller-東京").build())).isEqualTo("VALID");
    }

    @Test
    void shouldCarryTheSourceAndOriginalBytesOfARejection() {
        IngestRecord out =
                live.toIngest(
                        order().setTotalMinor(-5).build(),
                        new SourceRef("orders", 3, 42),
                        new byte[] {7, 8},
                        NOW.toEpochMilli());
        assertThat(out.getEvent()).isNull();
        assertThat(out.getRejected().getSource()).isEqualTo("orders");
        assertThat(out.getRejected().getPartition()).isEqualTo(3);
        assertThat(out.getRejected().getOffset()).isEqualTo(42);
        assertThat(out.getRejected().getEventId()).isEqualTo("o1");
        assertThat(out.getRejected().getDetail()).contains("total_minor").contains("-5");
        assertThat(out.getRejected().getPayload().array()).containsExactly(7, 8);
    }

    @Test
    void shouldAllowImpressionsWithoutACustomerButNotClicks() {
        AdEvent.Builder ad =
                AdEvent.newBuilder()
                        .setEventId("a1")
                        .setEventTime(NOW)
                        .setMarketplace("US")
                        .setAdType(AdType.IMPRESSION)
                        .setCampaignId("SP-1")
                        .setCostMinor(2)
                        .setCurrency("USD");
        assertThat(reasonOf(ad.build())).isEqualTo("VALID");
        assertThat(reasonOf(ad.setAdType(AdType.CLICK).build())).isEqualTo("MISSING_CUSTOMER_ID");
    }

    @Test
    void shouldValidateReturnsAndInteractions() {
        OrderReturned.Builder ret =
                OrderReturned.newBuilder()
                        .setEventId("r1")
                        .setCustomerId("c1")
                        .setEventTime(NOW)
                        .setMarketplace("US")
                        .setOrderId("NEVER-SEEN")
                        .setRefundMinor(500)
                        .setCurrency("EUR");
        assertThat(reasonOf(ret.build())).isEqualTo("VALID");
        assertThat(reasonOf(ret.setRefundMinor(-500).build())).isEqualTo("NEGATIVE_AMOUNT");
        Interaction.Builder i = interaction().setRating(5);
        assertThat(reasonOf(i.build())).isEqualTo("VALID");
        assertThat(reasonOf(i.setRating(6).build())).isEqualTo("INVALID_RATING");
    }

    @Test
    void shouldBoundARejectionWhateverTheRecordCarries() throws Exception {
        // a record just under Kafka's default message limit (1 MB), with a huge id: wrapped as it
        // is, reason, detail and ids added, it would exceed the limit and fail the sink
        byte[] payload = new byte[1_000_000];
        new java.util.Random(7).nextBytes(payload);
        String hugeId = "x".repeat(900_000);
        IngestRecord out =
                EventNormalizer.rejected(
                        RejectReason.FIELD_TOO_LONG,
                        "customer_id has 900000 characters: " + hugeId,
                        new SourceRef("orders", 3, 42),
                        payload,
                        hugeId,
                        hugeId);
        var r = out.getRejected();
        assertThat(r.getPayload().remaining()).isEqualTo(EventNormalizer.MAX_PAYLOAD_BYTES);
        assertThat(r.getPayloadSize()).isEqualTo(1_000_000);
        assertThat(r.getPayloadSha256())
                .isEqualTo(
                        java.util.HexFormat.of()
                                .formatHex(
                                        java.security.MessageDigest.getInstance("SHA-256")
                                                .digest(payload)));
        assertThat(r.getDetail()).hasSizeLessThanOrEqualTo(1_000);
        assertThat(r.getCustomerId()).hasSizeLessThanOrEqualTo(256);
        assertThat(r.getEventId()).hasSizeLessThanOrEqualTo(256);
        int encoded = io.customerpulse.kafka.AvroBytes.encode(out).length;
        assertThat(encoded).isLessThan(80 * 1024);
    }

    @Test
    void shouldKeepAShortPayloadWhole() {
        IngestRecord out =
                EventNormalizer.rejected(
                        RejectReason.MALFORMED,
                        "empty",
                        new SourceRef("orders", 0, 1),
                        new byte[] {1, 2, 3},
                        null,
                        null);
        assertThat(out.getRejected().getPayload().remaining()).isEqualTo(3);
        assertThat(out.getRejected().getPayloadSize()).isEqualTo(3);
    }

    @Test
    void shouldRejectFreeTextLongerThanAnId() {
        // carried on into late events and profiles: unbounded, one would exceed Kafka's limit
        String huge = "R".repeat(900_000);
        Interaction.Builder i = interaction().setInteractionType(huge);
        assertThat(reasonOf(i.build())).isEqualTo("FIELD_TOO_LONG");
        assertThat(reasonOf(i.setInteractionType("REVIEW").setAsin(huge).build()))
                .isEqualTo("FIELD_TOO_LONG");
        assertThat(reasonOf(order().setMarketplace(huge).build())).isEqualTo("FIELD_TOO_LONG");
    }

    private static OrderShipment.Builder shipment() {
        return OrderShipment.newBuilder()
                .setEventId("s1")
                .setCustomerId("c1")
                .setEventTime(NOW)
                .setMarketplace("US")
                .setOrderId("A1")
                .setStatus(ShipmentStatus.DELIVERED)
                .setCarrier("UPS");
    }

    /** A shipment is an INTERACTION whose type is its status, with its order (DESIGN §2). */
    @Test
    void shouldTurnAShipmentIntoAnInteractionOfItsStatus() throws Rejection {
        CustomerEvent e = live.normalize(shipment().build(), NOW.toEpochMilli());
        assertThat(e.getKind()).isEqualTo(EventKind.INTERACTION);
        assertThat(e.getInteractionType()).isEqualTo("DELIVERED");
        assertThat(e.getOrderId()).isEqualTo("A1");
        assertThat(Interactions.isCustomerActivity(e)).isFalse();
        assertThat(reasonOf(shipment().setOrderId("").build())).isEqualTo("MISSING_FIELD");
    }

    @Test
    void shouldReserveTheShipmentStatusesAsInteractionTypes() {
        assertThat(reasonOf(interaction().setInteractionType("DELIVERED").build()))
                .isEqualTo("RESERVED_TYPE");
        assertThat(reasonOf(interaction().setInteractionType("SHIPPED").build()))
                .isEqualTo("RESERVED_TYPE");
        assertThat(reasonOf(interaction().setInteractionType("ERASURE").build()))
                .isEqualTo("RESERVED_TYPE");
    }

    /** An erasure request is an INTERACTION of type ERASURE, no activity (DESIGN §13). */
    @Test
    void shouldTurnAnErasureRequestIntoAnErasureInteraction() throws Rejection {
        CustomerEvent e =
                live.normalize(
                        new io.customerpulse.avro.ErasureRequest("er-1", "c1", NOW),
                        NOW.toEpochMilli());
        assertThat(Interactions.isErasure(e)).isTrue();
        assertThat(e.getEventId()).isEqualTo("er-1");
        assertThat(e.getEventTime()).isEqualTo(NOW);
        assertThat(Interactions.isCustomerActivity(e)).isFalse();
        assertThat(reasonOf(new io.customerpulse.avro.ErasureRequest("er-2", "", NOW)))
                .isEqualTo("MISSING_CUSTOMER_ID");
    }

    /** A reply keeps the message it answers; one that names none is an error, not a silent miss. */
    @Test
    void shouldKeepTheMessageAReplyAnswersAndRejectAReplyToNothing() throws Rejection {
        CustomerEvent reply =
                live.normalize(
                        interaction()
                                .setInteractionType("SELLER_REPLY")
                                .setReplyTo("m1")
                                .setOrderId("A1")
                                .build(),
                        NOW.toEpochMilli());
        assertThat(reply.getReplyTo()).isEqualTo("m1");
        assertThat(reply.getOrderId()).isEqualTo("A1");
        assertThat(Interactions.isCustomerActivity(reply)).isFalse();
        assertThat(reasonOf(interaction().setInteractionType("SELLER_REPLY").build()))
                .isEqualTo("MISSING_FIELD");
        assertThat(reasonOf(interaction().setInteractionType("MESSAGE").setOrderId(" A1").build()))
                .isEqualTo("INVALID_ID");
        CustomerEvent feedback =
                live.normalize(
                        interaction()
                                .setInteractionType("FEEDBACK")
                                .setRating(1)
                                .setOrderId("A1")
                                .build(),
                        NOW.toEpochMilli());
        assertThat(Interactions.isCustomerActivity(feedback)).isTrue();
        assertThat(feedback.getOrderId()).isEqualTo("A1");
    }
}
