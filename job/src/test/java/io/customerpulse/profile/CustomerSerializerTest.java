package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.config.JobConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The compact form of a customer in keyed state, and what checkpoints record of it. */
class CustomerSerializerTest {
    private final CustomerSerializer serializer = new CustomerSerializer();

    /** A customer with every part of its state filled, as the engine leaves it. */
    static Customer rich() {
        ProfileEngine engine = ProfileEngine.of(JobConfig.defaults());
        SeenIds seen = new SeenIds(JobConfig.defaults().dedup().retention(), 1_000);
        Customer c = new Customer();
        List<CustomerEvent> history =
                List.of(
                        click("c1", "SP-1", 89, T0),
                        order("c1", "A1", 12_000, T0.plusSeconds(60)),
                        order("c1", "A2", 30_000, T0.plus(DAY)),
                        refund("c1", "A1", 2_000, T0.plus(DAY.multipliedBy(2))),
                        click("c1", "SP-2", 120, T0.plus(DAY.multipliedBy(3))));
        for (CustomerEvent e : history) {
            seen.checkAndRemember(c, e);
            CollectedOutput.stepAlone(engine, c, e);
        }
        CustomerEvent rated =
                CustomerEvent.newBuilder(interaction("c1", T0.plus(DAY.multipliedBy(4))))
                        .setAsin("B00X")
                        .setRating(4)
                        .setAdGroupId("G1")
                        .build();
        c.addPending(rated);
        c.addPending(order("c1", "A3", 5_000, T0.plus(DAY.multipliedBy(4))));
        c.wakeUpAt = T0.plus(DAY.multipliedBy(4)).toEpochMilli();
        c.highValueUntil = T0.plus(DAY.multipliedBy(2)).toEpochMilli();
        return c;
    }

    private Customer roundTrip(
            TypeSerializer<Customer> writer, TypeSerializer<Customer> reader, Customer c)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        writer.serialize(c, out);
        return reader.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    /**
     * One instance writes every customer of a task through one reused buffer: each customer's bytes
     * are what a fresh serializer writes, after a larger customer (past the size the buffer keeps)
     * and a smaller one; and a duplicate has a buffer of its own.
     */
    @Test
    void shouldWriteEachCustomerAsAFreshSerializerDoesWhatEverItWroteBefore() throws Exception {
        Customer large = rich();
        for (int i = 0; i < 400; i++) {
            large.addPending(order("c1", "LARGE-" + i, 1_000 + i, T0.plus(DAY.multipliedBy(5))));
        }
        List<Customer> customers = List.of(large, rich(), new Customer(), large, rich());
        for (Customer c : customers) {
            assertThat(bytes(serializer, c)).isEqualTo(bytes(new CustomerSerializer(), c));
        }
        assertThat(bytes(serializer, large).length).isGreaterThan(16 * 1024);
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
    }

    /** A thousand known orders (some on one millisecond) read back in their order, appended. */
    @Test
    void shouldReadBackAThousandKnownOrdersInTheirOrder() throws Exception {
        Customer c = new Customer();
        for (int i = 0; i < 1_000; i++) {
            byte[] id = ("order-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            c.orders.add(id, KnownOrders.hash(id), 1_000L * (i / 3), i, i / 2, 1_000);
        }
        Customer back = roundTrip(serializer, serializer, c);
        assertThat(back.orders.size()).isEqualTo(1_000);
        assertThat(back.copy()).usingRecursiveComparison().isEqualTo(c.copy());
        byte[] last = "order-999".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(back.orders.find(last, KnownOrders.hash(last))).isPositive();
    }

    private static byte[] bytes(TypeSerializer<Customer> s, Customer c) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(c, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void shouldReadBackEveryFieldItWrote() throws Exception {
        Customer c = rich();
        assertThat(c.ads().credited()).isNotEmpty();
        assertThat(c.ads().clicks().size()).isEqualTo(2);
        assertThat(c.segment()).isNotNull();

        Customer back = roundTrip(serializer, serializer, c);

        // copies: compared without the spare capacity of their arrays
        assertThat(back.copy()).usingRecursiveComparison().isEqualTo(c.copy());
        assertThat(serializer.copy(c)).usingRecursiveComparison().isEqualTo(c.copy());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        DataOutputSerializer direct = new DataOutputSerializer(64);
        serializer.serialize(c, direct);
        serializer.copy(new DataInputDeserializer(direct.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(direct.getCopyOfBuffer());
    }

    /**
     * The bytes of {@link #rich()} in format 1, as the release before {@link StateBytes} wrote them
     * (through {@code DataOutputView} and {@code StringValue}): a change of encoding without a new
     * format number fails here. (Taken from a first {@code rich()} in a fresh JVM.)
     */
    private static final String RICH_IN_FORMAT_1 =
            "fe1f04a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889ac"
                    + "650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0ad"
                    + "b792aa65c0c6ab520a8084b092aa65046131c0a90708652d4131c0c6ab5208652d413280f0b25204"
                    + "723280f0b252046133040361318084b092aa650553502d31b20103613380d4c889ac650553502d32"
                    + "f00104034131c0adb792aa65020553502d318084b092aa65c0bb0103413280f4e2e4aa6502055350"
                    + "2d318084b092aa65e0d4030405652d413303633180c4fbdbac6503555300034133904e0000000000"
                    + "03693403633180c4fbdbac650355530400000003473105423030580a504147455f564945570a";

    /** The bytes of {@link #rich()} in format 2 (taken from a first {@code rich()} in a JVM). */
    private static final String RICH_IN_FORMAT_2 =
            "fe1f04a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889ac"
                    + "650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0ad"
                    + "b792aa65c0c6ab5204034131c0adb792aa65c0bb01a01f034132c0c6ab52e0d403000a8084b092aa"
                    + "65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b2520461330403613180"
                    + "84b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa650205"
                    + "53502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d403040565"
                    + "2d413303633180c4fbdbac6503555300034133904e000000000003693403633180c4fbdbac650355"
                    + "530400000003473105423030580a504147455f564945570a";

    /** The bytes of {@link #rich()} in format 3 (taken from a first {@code rich()} in a JVM). */
    private static final String RICH_IN_FORMAT_3 =
            "fe1f04a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889ac"
                    + "650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0ad"
                    + "b792aa65c0c6ab5204044131c0adb792aa65c0bb01a01f044132c0c6ab52e0d403000a8084b092aa"
                    + "65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b2520461330403613180"
                    + "84b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa650205"
                    + "53502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d403040565"
                    + "2d413303633180c4fbdbac6503555300034133904e000000000003693403633180c4fbdbac650355"
                    + "530400000003473105423030580a504147455f564945570a";

    /**
     * The bytes of {@link #rich()} in format 4: format 3's with an empty reply_to (one 00 byte)
     * after each waiting event (taken from a first {@code rich()} in a JVM).
     */
    private static final String RICH_IN_FORMAT_4 =
            "fe1f04a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889ac"
                    + "650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0ad"
                    + "b792aa65c0c6ab5204044131c0adb792aa65c0bb01a01f044132c0c6ab52e0d403000a8084b092aa"
                    + "65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b2520461330403613180"
                    + "84b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa650205"
                    + "53502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d403040565"
                    + "2d413303633180c4fbdbac6503555300034133904e00000000000003693403633180c4fbdbac6503"
                    + "55530400000003473105423030580a504147455f564945570a00";

    /**
     * The bytes of {@link #rich()} in format 5: format 4's, then the actions' state — a reward, a
     * marketing action, a complaint, a decided reminder, the last order's marketplace and two
     * deliveries (taken from a first {@code rich()} in a JVM).
     */
    private static final String RICH_IN_FORMAT_5 =
            "feff0304a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889"
                    + "ac650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0"
                    + "adb792aa65c0c6ab5204044131c0adb792aa65c0bb01a01f044132c0c6ab52e0d403000a8084b092"
                    + "aa65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b25204613304036131"
                    + "8084b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa6502"
                    + "0553502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d4030405"
                    + "652d413303633180c4fbdbac6503555300034133904e00000000000003693403633180c4fbdbac65"
                    + "0355530400000003473105423030580a504147455f564945570a008084b092aa6580f4e2e4aa6580"
                    + "e495b7ab6580f4e2e4aa650344450403413103555380f4e2e4aa650103413203444580e0e5a40100";

    /** Format 5 has no seller-health state: no waiting messages, no orders per month. */
    @Test
    void shouldReadFormatFiveAsReleasedAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = withActions(rich());
        expected.messages = new Messages();
        expected.months = new MonthOrders();
        Customer read = readReleased(5, RICH_IN_FORMAT_5);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
    }

    /**
     * The bytes of {@link #rich()} with the actions' state and the seller-health state (a waiting
     * message, answered, and this month's orders in two marketplaces) in format 6 (taken from a
     * first {@code rich()} in a JVM).
     */
    private static final String RICH_IN_FORMAT_6 =
            "feff0304a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889"
                    + "ac650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0"
                    + "adb792aa65c0c6ab5204044131c0adb792aa65c0bb01a01f044132c0c6ab52e0d403000a8084b092"
                    + "aa65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b25204613304036131"
                    + "8084b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa6502"
                    + "0553502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d4030405"
                    + "652d413303633180c4fbdbac6503555300034133904e00000000000003693403633180c4fbdbac65"
                    + "0355530400000003473105423030580a504147455f564945570a008084b092aa6580f4e2e4aa6580"
                    + "e495b7ab6580f4e2e4aa650344450403413103555380f4e2e4aa650103413203444580e0e5a40100"
                    + "02036d3103555380f4e2e4aa650104035553ac0a04c0bb01034445ac0a02f02e";

    /** Format 6 has no last event time: read as the last step's (rich()'s are the same). */
    @Test
    void shouldReadFormatSixAsReleasedAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = withHealth(withActions(rich()));
        Customer read = readReleased(6, RICH_IN_FORMAT_6);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
    }

    /**
     * The bytes of {@link #rich()} with the actions' and seller-health state in format 7: format
     * 6's with the last event's presence bit and time (taken from a first {@code rich()} in a JVM).
     */
    private static final String RICH_IN_FORMAT_7 =
            "feff0704a09005a01f020a04c0bb01e0d403c0adb792aa6580f4e2e4aa6580f4e2e4aa6580d4c889"
                    + "ac650280e495b7ab6580e495b7ab6580d4c889ac6580c4fbdbac650553502d31b2010203413104c0"
                    + "adb792aa65c0c6ab5204044131c0adb792aa65c0bb01a01f044132c0c6ab52e0d403000a8084b092"
                    + "aa65046131c0a90708652d4131c0c6ab5208652d413280f0b25204723280f0b25204613304036131"
                    + "8084b092aa650553502d31b20103613380d4c889ac650553502d32f00104034131c0adb792aa6502"
                    + "0553502d318084b092aa65c0bb0103413280f4e2e4aa65020553502d318084b092aa65e0d4030405"
                    + "652d413303633180c4fbdbac6503555300034133904e00000000000003693403633180c4fbdbac65"
                    + "0355530400000003473105423030580a504147455f564945570a008084b092aa6580f4e2e4aa6580"
                    + "e495b7ab6580f4e2e4aa650344450403413103555380f4e2e4aa650103413203444580e0e5a40100"
                    + "02036d3103555380f4e2e4aa650104035553ac0a04c0bb01034445ac0a02f02e80d4c889ac65";

    @Test
    void shouldWriteFormatSevenByteForByteAsReleased() throws Exception {
        io.customerpulse.testing.Events.restartIds(); // the ids of a first rich() in a JVM
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(withHealth(withActions(rich())), out);
        assertThat(java.util.HexFormat.of().formatHex(out.getCopyOfBuffer()))
                .isEqualTo(RICH_IN_FORMAT_7);
    }

    /** A last event earlier than the last step (a limit came after it) is kept as it is. */
    @Test
    void shouldReadBackTheLastEventTime() throws Exception {
        Customer c = rich();
        c.lastEventAt = c.now - DAY.toMillis();
        assertThat(roundTrip(serializer, serializer, c).lastEventAt).isEqualTo(c.lastEventAt);
    }

    /** {@code c} with a waiting message and orders in two marketplaces this month. */
    static Customer withHealth(Customer c) {
        c.messages = new Messages();
        c.messages.add("m1", "US", T0.plus(DAY).toEpochMilli(), true);
        c.months = new MonthOrders();
        c.months.add("US", HealthFacts.month(T0.toEpochMilli()), 2, 12_000);
        c.months.add("DE", HealthFacts.month(T0.toEpochMilli()), 1, 3_000);
        return c;
    }

    @Test
    void shouldReadBackTheSellerHealthState() throws Exception {
        Customer c = withHealth(withActions(rich()));
        assertThat(roundTrip(serializer, serializer, c).copy())
                .usingRecursiveComparison()
                .isEqualTo(c.copy());
    }

    /**
     * {@code c} as a format before 5 reads it back: none of the actions' state, the last order's
     * reminder decided.
     */
    static void asBeforeActions(Customer c) {
        c.lastRewardAt = Customer.NONE;
        c.lastMarketingAt = Customer.NONE;
        c.lastComplaintAt = Customer.NONE;
        c.lastOrderMarketplace = null;
        c.deliveries = new Deliveries();
        c.reminderFor = c.lastOrderAt;
        c.messages = new Messages();
        c.months = new MonthOrders();
    }

    /** {@code c} with every field of the lifecycle actions' state set. */
    static Customer withActions(Customer c) {
        c.lastRewardAt = T0.toEpochMilli();
        c.lastMarketingAt = T0.plus(DAY).toEpochMilli();
        c.lastComplaintAt = T0.plus(DAY.multipliedBy(2)).toEpochMilli();
        c.reminderFor = c.lastOrderAt;
        c.lastOrderMarketplace = "DE";
        c.deliveries.add("A1", "US", T0.plus(DAY).toEpochMilli(), true, 100);
        c.deliveries.add("A2", "DE", T0.plus(DAY.multipliedBy(3)).toEpochMilli(), false, 100);
        return c;
    }

    @Test
    void shouldReadBackTheActionsState() throws Exception {
        Customer c = withActions(rich());
        assertThat(roundTrip(serializer, serializer, c).copy())
                .usingRecursiveComparison()
                .isEqualTo(c.copy());
    }

    /** Format 4 has no actions' state: no deliveries, and the last order's reminder decided. */
    @Test
    void shouldReadFormatFourAsReleasedAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = rich();
        asBeforeActions(expected);
        Customer read = readReleased(4, RICH_IN_FORMAT_4);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
    }

    @Test
    void shouldReadFormatThreeAsReleasedAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = rich();
        asBeforeActions(expected);
        Customer read = readReleased(3, RICH_IN_FORMAT_3);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
    }

    /** A waiting seller's reply keeps the message it answers (format 4). */
    @Test
    void shouldReadBackAWaitingReplysMessage() throws Exception {
        Customer c = new Customer();
        CustomerEvent reply = io.customerpulse.testing.Events.interaction("c1", "SELLER_REPLY", T0);
        reply.setReplyTo("message-1");
        c.addPending(reply);
        assertThat(roundTrip(serializer, serializer, c).pending.get(0).getReplyTo())
                .isEqualTo("message-1");
    }

    @Test
    void shouldReadFormatTwoAsReleasedAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = rich();
        asBeforeActions(expected);
        Customer read = readReleased(2, RICH_IN_FORMAT_2);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
    }

    /** Bytes of a released format, read by that format's snapshot, which migrates to this one. */
    private Customer readReleased(int format, String hex) throws Exception {
        TypeSerializerSnapshot<Customer> old = new CustomerSerializer.Snapshot(format);
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAfterMigration())
                .isTrue();
        return old.restoreSerializer()
                .deserialize(new DataInputDeserializer(java.util.HexFormat.of().parseHex(hex)));
    }

    @Test
    void shouldReadFormatOneAsReleasedWithNoKnownOrdersAndMigrateIt() throws Exception {
        io.customerpulse.testing.Events.restartIds();
        Customer expected = rich();
        asBeforeActions(expected);
        assertThat(expected.orders.size()).isEqualTo(2);
        expected.orders = new KnownOrders(); // format 1 has none

        Customer read = readReleased(1, RICH_IN_FORMAT_1);
        assertThat(read.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
        // migrated: written in the current format, read back the same
        assertThat(roundTrip(serializer, serializer, read).copy())
                .usingRecursiveComparison()
                .isEqualTo(expected.copy());
    }

    @Test
    void shouldReadBackAnEmptyCustomer() throws Exception {
        assertThat(roundTrip(serializer, serializer, new Customer()))
                .usingRecursiveComparison()
                .isEqualTo(new Customer());
    }

    @Test
    void shouldBeCompact() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(rich(), out);
        assertThat(out.length()).isLessThan(400); // two waiting events, two clicks, four ids
    }

    @Test
    void shouldRecordItsFormatInCheckpointsAndReadThatFormatBack() throws Exception {
        TypeSerializerSnapshot<Customer> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Customer> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        assertThat(read.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<Customer> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        Customer c = rich();
        assertThat(roundTrip(serializer, read.restoreSerializer(), c).copy())
                .usingRecursiveComparison()
                .isEqualTo(c.copy());
    }

    @Test
    void shouldRefuseAFormatFromTheFuture() {
        TypeSerializerSchemaCompatibility<Customer> compatibility =
                serializer
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(
                                new CustomerSerializer.Snapshot(CustomerSerializer.FORMAT + 1));
        assertThat(compatibility.isIncompatible()).isTrue();
    }

    /**
     * The serializer writes every field by hand: a field added to the state or to the waiting
     * events' schema must be added to it (with a new format number and a reader of the old one).
     * These counts fail first, naming what to do.
     */
    @Test
    void shouldWriteEveryFieldOfTheStateAndOfAWaitingEvent() {
        List<String> fields =
                Arrays.stream(Customer.class.getDeclaredFields())
                        // transient: derived from the stored fields, built again after a read
                        .filter(f -> !Modifier.isStatic(f.getModifiers()))
                        .filter(f -> !Modifier.isTransient(f.getModifiers()))
                        .map(Field::getName)
                        .toList();
        assertThat(fields)
                .as(
                        "Customer's fields: CustomerSerializer (format %d) writes these",
                        CustomerSerializer.FORMAT)
                .containsExactlyInAnyOrder(
                        "ordersTotal",
                        "gmvMinor",
                        "refundsMinor",
                        "returnedOrders",
                        "returnedIds",
                        "returnedIdCount",
                        "orders",
                        "orderTimes",
                        "orderCount",
                        "firstOrderAt",
                        "secondOrderAt",
                        "lastOrderAt",
                        "lastInteractionAt",
                        "lastEventAt",
                        "engaged",
                        "segment",
                        "segmentSince",
                        "highValueUntil",
                        "version",
                        "now",
                        "ads",
                        "seen",
                        "seenLength",
                        "seenCount",
                        "pending",
                        "wakeUpAt",
                        "purchaseDays",
                        "firstDayValueMinor",
                        "repeatValueMinor",
                        "deliveries",
                        "lastRewardAt",
                        "lastMarketingAt",
                        "lastComplaintAt",
                        "reminderFor",
                        "lastOrderMarketplace",
                        "messages",
                        "months");
        assertThat(CustomerEvent.getClassSchema().getFields())
                .as("CustomerEvent's fields: CustomerSerializer.writeEvent writes thirteen")
                .hasSize(13);
    }
}
