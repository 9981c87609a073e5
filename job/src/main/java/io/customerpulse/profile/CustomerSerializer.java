package io.customerpulse.profile;

import io.customerpulse.attribution.AttributionState;
import io.customerpulse.attribution.Clicks;
import io.customerpulse.attribution.CreditedOrder;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.Segment;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The compact binary form of a {@link Customer} in keyed state: variable-length integers, one
 * bit-set for the fields that may be absent, order times delta-coded, strings as Flink's {@link
 * StringValue}. Every form ever written has a format number, recorded in checkpoints by {@link
 * Snapshot}: a serializer restored from an older checkpoint reads that format, and Flink migrates
 * the state to the current one ({@code compatibleAfterMigration}). Changing what is written means a
 * new format number and a reader for the old one — {@code CustomerSerializerTest} fails until both
 * exist.
 */
public final class CustomerSerializer extends TypeSerializer<Customer> {
    /**
     * The format this code writes. 1: the first compact form; 2: with the known orders (after the
     * order times), which format 1 has none of; 3: their order ids as UTF-8 bytes (2: as strings);
     * 4: a waiting event's reply_to (after its rating), which 3 has none of; 5: the lifecycle
     * actions' state at the end (format 4 has none: read as no deliveries and the last order's
     * reminder decided); 6: seller health's waiting messages and orders per month at the end
     * (format 5 has none: messages waiting then are not counted, and a buyer's orders earlier in
     * the month are not known); 7: the last event's time at the end (format 6 has none: read as the
     * last step's time, so a customer restored from it expires no earlier than its history allows).
     */
    static final int FORMAT = 7;

    private static final Segment[] SEGMENTS = Segment.values();
    private static final EventKind[] KINDS = EventKind.values();

    // presence bits of the absent-able fields
    private static final int FIRST_ORDER = 1;
    private static final int SECOND_ORDER = 1 << 1;
    private static final int LAST_ORDER = 1 << 2;
    private static final int LAST_INTERACTION = 1 << 3;
    private static final int SEGMENT = 1 << 4;
    private static final int HIGH_VALUE_UNTIL = 1 << 5;
    private static final int NOW = 1 << 6;
    private static final int WAKE_UP = 1 << 7;
    private static final int ENGAGED = 1 << 8;
    private static final int ACQUISITION_DECIDED = 1 << 9;
    private static final int CAC = 1 << 10;
    private static final int LAST_REWARD = 1 << 11;
    private static final int LAST_MARKETING = 1 << 12;
    private static final int LAST_COMPLAINT = 1 << 13;
    private static final int REMINDER_FOR = 1 << 14;
    private static final int LAST_EVENT = 1 << 15;

    private final int format;

    /**
     * The bytes of the customer being written, reused for every customer this instance writes (a
     * write-back allocated 256 B here before: 15 % of the customer task's allocation in {@code
     * scripts/bench throughput}, JFR). A serializer instance is used by one thread: {@link
     * #duplicate} gives every other user its own.
     */
    private final StateBytes buffer = new StateBytes(BUFFER_BYTES);

    private static final int BUFFER_BYTES = 256;

    /** Past this, a customer's bytes (a thousand known orders: ~30 KB) leave no array behind. */
    private static final int BUFFER_KEPT = 16 * 1024;

    public CustomerSerializer() {
        this(FORMAT);
    }

    /** A serializer that reads {@code format} (and writes the current one). */
    CustomerSerializer(int format) {
        if (format < 1 || format > FORMAT) {
            throw new IllegalArgumentException("unknown customer state format " + format);
        }
        this.format = format;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<Customer> duplicate() {
        return new CustomerSerializer(format); // its own buffer
    }

    @Override
    public Customer createInstance() {
        return new Customer();
    }

    @Override
    public Customer copy(Customer from) {
        return from.copy();
    }

    @Override
    public Customer copy(Customer from, Customer reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Customer c, DataOutputView out) throws IOException {
        StateBytes w = buffer;
        w.reset(BUFFER_BYTES, BUFFER_KEPT);
        write(c, w);
        out.write(w.bytes, 0, w.length);
    }

    /** The customer's bytes, into {@code w} (one {@code write} to Flink's view afterwards). */
    static void write(Customer c, StateBytes w) {
        int flags =
                (c.firstOrderAt != Customer.NONE ? FIRST_ORDER : 0)
                        | (c.secondOrderAt != Customer.NONE ? SECOND_ORDER : 0)
                        | (c.lastOrderAt != Customer.NONE ? LAST_ORDER : 0)
                        | (c.lastInteractionAt != Customer.NONE ? LAST_INTERACTION : 0)
                        | (c.segment != null ? SEGMENT : 0)
                        | (c.highValueUntil != Customer.NONE ? HIGH_VALUE_UNTIL : 0)
                        | (c.now != Customer.NONE ? NOW : 0)
                        | (c.wakeUpAt != Customer.NONE ? WAKE_UP : 0)
                        | (c.engaged ? ENGAGED : 0)
                        | (c.ads.acquisitionDecided() ? ACQUISITION_DECIDED : 0)
                        | (c.ads.cacMinor() != Customer.NONE ? CAC : 0)
                        | (c.lastRewardAt != Customer.NONE ? LAST_REWARD : 0)
                        | (c.lastMarketingAt != Customer.NONE ? LAST_MARKETING : 0)
                        | (c.lastEventAt != Customer.NONE ? LAST_EVENT : 0)
                        | (c.lastComplaintAt != Customer.NONE ? LAST_COMPLAINT : 0)
                        | (c.reminderFor != Customer.NONE ? REMINDER_FOR : 0);
        w.writeVarLong(flags);
        w.writeVarLong(c.ordersTotal);
        w.writeVarLong(c.gmvMinor);
        w.writeVarLong(c.refundsMinor);
        w.writeVarLong(c.returnedOrders);
        w.writeVarLong(c.version);
        w.writeVarLong(c.purchaseDays);
        w.writeVarLong(c.firstDayValueMinor);
        w.writeVarLong(c.repeatValueMinor);
        writeIf(w, flags, FIRST_ORDER, c.firstOrderAt);
        writeIf(w, flags, SECOND_ORDER, c.secondOrderAt);
        writeIf(w, flags, LAST_ORDER, c.lastOrderAt);
        writeIf(w, flags, LAST_INTERACTION, c.lastInteractionAt);
        if ((flags & SEGMENT) != 0) {
            w.writeByte(c.segment.ordinal());
            w.writeVarLong(c.segmentSince);
        }
        writeIf(w, flags, HIGH_VALUE_UNTIL, c.highValueUntil);
        writeIf(w, flags, NOW, c.now);
        writeIf(w, flags, WAKE_UP, c.wakeUpAt);
        w.writeString(c.ads.acquisitionCampaign());
        writeIf(w, flags, CAC, c.ads.cacMinor());

        w.writeVarLong(c.returnedIdCount);
        for (int i = 0; i < c.returnedIdCount; i++) {
            w.writeString(c.returnedIds[i]);
        }
        w.writeVarLong(c.orderCount);
        long previous = 0;
        for (int i = 0; i < c.orderCount; i++) {
            w.writeVarLong(c.orderTimes[i] - previous); // ascending: small deltas
            previous = c.orderTimes[i];
        }
        KnownOrders orders = c.orders;
        w.writeVarLong(
                orders.size()); // each: id length, UTF-8 bytes, time (delta), total, refunded
        previous = 0;
        for (int p = 0; p < orders.length(); p = orders.next(p)) {
            int length = orders.idLength(p);
            w.writeVarLong(length);
            w.write(orders.bytes(), p + KnownOrders.HEADER, length);
            w.writeVarLong(orders.at(p) - previous);
            previous = orders.at(p);
            w.writeVarLong(orders.total(p));
            w.writeVarLong(orders.refunded(p));
        }
        w.writeVarLong(c.seenCount); // each id: time (delta), length, UTF-8 bytes
        previous = 0;
        for (int p = 0; p < c.seenLength; ) {
            long at = SeenIds.at(c.seen, p);
            w.writeVarLong(at - previous);
            previous = at;
            int length = SeenIds.length(c.seen, p);
            w.writeVarLong(length);
            w.write(c.seen, p + SeenIds.HEADER, length);
            p += SeenIds.HEADER + length;
        }
        Clicks clicks = c.ads.clicks();
        w.writeVarLong(clicks.size());
        for (int i = 0; i < clicks.size(); i++) {
            w.writeString(clicks.eventId(i));
            w.writeVarLong(clicks.at(i));
            w.writeString(clicks.campaign(i));
            w.writeVarLong(clicks.cost(i));
        }
        List<CreditedOrder> credited = c.ads.credited();
        w.writeVarLong(credited.size());
        for (int k = 0; k < credited.size(); k++) {
            CreditedOrder o = credited.get(k);
            w.writeString(o.orderId());
            w.writeVarLong(o.at());
            w.writeVarLong(o.credits());
            for (int i = 0; i < o.credits(); i++) {
                w.writeString(o.campaigns()[i]);
                w.writeVarLong(o.clickAt()[i]);
                w.writeVarLong(o.amountMinor()[i]);
            }
        }
        w.writeVarLong(c.pending.size());
        for (int k = 0; k < c.pending.size(); k++) {
            writeEvent(c.pending.get(k), w);
        }
        // format 5: the lifecycle actions' state
        writeIf(w, flags, LAST_REWARD, c.lastRewardAt);
        writeIf(w, flags, LAST_MARKETING, c.lastMarketingAt);
        writeIf(w, flags, LAST_COMPLAINT, c.lastComplaintAt);
        writeIf(w, flags, REMINDER_FOR, c.reminderFor);
        w.writeString(c.lastOrderMarketplace);
        Deliveries d = c.deliveries;
        w.writeVarLong(d.size); // each: order id, marketplace, time (delta), decided
        previous = 0;
        for (int i = 0; i < d.size; i++) {
            w.writeString(d.orderIds[i]);
            w.writeString(d.marketplaces[i]);
            w.writeVarLong(d.deliveredAt[i] - previous);
            previous = d.deliveredAt[i];
            w.writeByte(d.decided[i] ? 1 : 0);
        }
        // format 6: seller health's waiting messages and orders per month
        Messages m = c.messages;
        w.writeVarLong(m.size); // each: event id, marketplace, time (delta), answered
        previous = 0;
        for (int i = 0; i < m.size; i++) {
            w.writeString(m.ids[i]);
            w.writeString(m.marketplaces[i]);
            w.writeVarLong(m.at[i] - previous);
            previous = m.at[i];
            w.writeByte(m.answered[i] ? 1 : 0);
        }
        MonthOrders months = c.months;
        w.writeVarLong(months.size); // each: marketplace, month, count, first order's GMV
        for (int i = 0; i < months.size; i++) {
            w.writeString(months.marketplaces[i]);
            w.writeVarLong(months.months[i]);
            w.writeVarLong(months.counts[i]);
            w.writeVarLong(months.firstGmv[i]);
        }
        // format 7: the last event's time (retention)
        writeIf(w, flags, LAST_EVENT, c.lastEventAt);
    }

    @Override
    public Customer deserialize(DataInputView in) throws IOException {
        Customer c = read(in);
        if (format < 7) {
            c.lastEventAt = c.now; // no last event before format 7: the last step's time
        }
        return c;
    }

    private Customer read(DataInputView in) throws IOException {
        Customer c = new Customer();
        int flags = readVarInt(in);
        c.ordersTotal = readVarLong(in);
        c.gmvMinor = readVarLong(in);
        c.refundsMinor = readVarLong(in);
        c.returnedOrders = readVarLong(in);
        c.version = readVarLong(in);
        c.purchaseDays = readVarInt(in);
        c.firstDayValueMinor = readVarLong(in);
        c.repeatValueMinor = readVarLong(in);
        c.firstOrderAt = readIf(in, flags, FIRST_ORDER);
        c.secondOrderAt = readIf(in, flags, SECOND_ORDER);
        c.lastOrderAt = readIf(in, flags, LAST_ORDER);
        c.lastInteractionAt = readIf(in, flags, LAST_INTERACTION);
        if ((flags & SEGMENT) != 0) {
            c.segment = SEGMENTS[in.readByte()];
            c.segmentSince = readVarLong(in);
        }
        c.highValueUntil = readIf(in, flags, HIGH_VALUE_UNTIL);
        c.now = readIf(in, flags, NOW);
        c.wakeUpAt = readIf(in, flags, WAKE_UP);
        c.engaged = (flags & ENGAGED) != 0;
        String campaign = StringValue.readString(in);
        long cac = readIf(in, flags, CAC);
        AttributionState ads = c.ads;
        if ((flags & ACQUISITION_DECIDED) != 0) {
            ads.decideAcquisition(campaign, cac);
        }

        int n = readVarInt(in);
        c.returnedIds = new String[n];
        for (int i = 0; i < n; i++) {
            c.returnedIds[i] = StringValue.readString(in);
        }
        c.returnedIdCount = n;
        n = readVarInt(in);
        c.orderTimes = new long[n];
        long previous = 0;
        for (int i = 0; i < n; i++) {
            previous += readVarLong(in);
            c.orderTimes[i] = previous;
        }
        c.orderCount = n;
        if (format >= 2) {
            n = readVarInt(in);
            previous = 0;
            for (int i = 0; i < n; i++) {
                byte[] id;
                if (format == 2) {
                    id =
                            StringValue.readString(in)
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } else {
                    id = new byte[readVarInt(in)];
                    in.readFully(id);
                }
                previous += readVarLong(in);
                long total = readVarLong(in);
                long refunded = readVarLong(in);
                c.orders.add(
                        id, KnownOrders.hash(id), previous, total, refunded, Integer.MAX_VALUE);
            }
        }
        n = readVarInt(in);
        previous = 0;
        for (int i = 0; i < n; i++) {
            previous += readVarLong(in);
            byte[] id = new byte[readVarInt(in)];
            in.readFully(id);
            SeenIds.append(c, previous, id); // written oldest first
        }
        n = readVarInt(in);
        for (int i = 0; i < n; i++) {
            String id = StringValue.readString(in);
            long at = readVarLong(in);
            ads.clicks().append(id, at, StringValue.readString(in), readVarLong(in));
        }
        n = readVarInt(in);
        for (int i = 0; i < n; i++) {
            String orderId = StringValue.readString(in);
            long at = readVarLong(in);
            int credits = readVarInt(in);
            String[] campaigns = new String[credits];
            long[] clickAt = new long[credits];
            long[] amounts = new long[credits];
            for (int j = 0; j < credits; j++) {
                campaigns[j] = StringValue.readString(in);
                clickAt[j] = readVarLong(in);
                amounts[j] = readVarLong(in);
            }
            ads.credited().add(new CreditedOrder(orderId, at, campaigns, clickAt, amounts));
        }
        n = readVarInt(in);
        c.pending.ensureCapacity(n);
        for (int i = 0; i < n; i++) {
            c.pending.add(readEvent(in));
        }
        if (format < 5) {
            // no actions before format 5: the last order's reminder counts as decided, so that a
            // restore does not remind every buyer of history at once
            c.reminderFor = c.lastOrderAt;
            return c;
        }
        c.lastRewardAt = readIf(in, flags, LAST_REWARD);
        c.lastMarketingAt = readIf(in, flags, LAST_MARKETING);
        c.lastComplaintAt = readIf(in, flags, LAST_COMPLAINT);
        c.reminderFor = readIf(in, flags, REMINDER_FOR);
        c.lastOrderMarketplace = StringValue.readString(in);
        n = readVarInt(in);
        previous = 0;
        for (int i = 0; i < n; i++) {
            String orderId = StringValue.readString(in);
            String marketplace = StringValue.readString(in);
            previous += readVarLong(in);
            boolean decided = in.readByte() != 0;
            c.deliveries.add(orderId, marketplace, previous, decided, Integer.MAX_VALUE);
        }
        if (format < 6) {
            return c; // no seller-health state before format 6
        }
        n = readVarInt(in);
        previous = 0;
        for (int i = 0; i < n; i++) {
            String id = StringValue.readString(in);
            String marketplace = StringValue.readString(in);
            previous += readVarLong(in);
            c.messages.add(id, marketplace, previous, in.readByte() != 0);
        }
        n = readVarInt(in);
        for (int i = 0; i < n; i++) {
            String marketplace = StringValue.readString(in);
            int month = readVarInt(in);
            int count = readVarInt(in);
            c.months.add(marketplace, month, count, readVarLong(in));
        }
        if (format >= 7) {
            c.lastEventAt = readIf(in, flags, LAST_EVENT);
        }
        return c;
    }

    @Override
    public Customer deserialize(Customer reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /**
     * The waiting event's thirteen fields, in schema order (reply_to from format 4). {@code
     * CustomerSerializerTest} checks the count against the schema, so a field added to
     * CustomerEvent cannot be forgotten here.
     */
    private static void writeEvent(CustomerEvent e, StateBytes w) {
        w.writeString(e.getEventId());
        w.writeString(e.getCustomerId());
        w.writeVarLong(e.getEventTime().toEpochMilli());
        w.writeString(e.getMarketplace());
        w.writeByte(e.getKind().ordinal());
        w.writeString(e.getOrderId());
        w.writeVarLong(e.getAmountMinor());
        w.writeString(e.getCampaignId());
        w.writeString(e.getAdGroupId());
        w.writeString(e.getAsin());
        w.writeString(e.getInteractionType());
        Integer rating = e.getRating();
        w.writeVarLong(rating == null ? 0 : rating + 1);
        w.writeString(e.getReplyTo());
    }

    private CustomerEvent readEvent(DataInputView in) throws IOException {
        CustomerEvent e = new CustomerEvent();
        e.setEventId(StringValue.readString(in));
        e.setCustomerId(StringValue.readString(in));
        e.setEventTime(Instant.ofEpochMilli(readVarLong(in)));
        e.setMarketplace(StringValue.readString(in));
        e.setKind(KINDS[in.readByte()]);
        e.setOrderId(StringValue.readString(in));
        e.setAmountMinor(readVarLong(in));
        e.setCampaignId(StringValue.readString(in));
        e.setAdGroupId(StringValue.readString(in));
        e.setAsin(StringValue.readString(in));
        e.setInteractionType(StringValue.readString(in));
        int rating = readVarInt(in);
        e.setRating(rating == 0 ? null : rating - 1);
        if (format >= 4) {
            e.setReplyTo(StringValue.readString(in));
        }
        return e;
    }

    private static void writeIf(StateBytes w, int flags, int bit, long value) {
        if ((flags & bit) != 0) {
            w.writeVarLong(value);
        }
    }

    private static long readIf(DataInputView in, int flags, int bit) throws IOException {
        return (flags & bit) != 0 ? readVarLong(in) : Customer.NONE;
    }

    /** Zig-zag, then 7 bits a byte (as Avro and protobuf do). */
    static long readVarLong(DataInputView in) throws IOException {
        long v = 0;
        int shift = 0;
        while (true) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (v >>> 1) ^ -(v & 1);
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("malformed variable-length integer in customer state");
            }
        }
    }

    private static int readVarInt(DataInputView in) throws IOException {
        return Math.toIntExact(readVarLong(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerSerializer s && s.format == format;
    }

    @Override
    public int hashCode() {
        return format;
    }

    @Override
    public TypeSerializerSnapshot<Customer> snapshotConfiguration() {
        return new Snapshot(FORMAT);
    }

    /**
     * What a checkpoint records of the serializer: the format its values were written in. A
     * checkpoint of an older format restores a serializer that reads it; the state is then migrated
     * to the current format.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<Customer> {
        private int format;

        /** For Flink, which reads the format with {@link #readSnapshot}. */
        public Snapshot() {
            this(FORMAT);
        }

        Snapshot(int format) {
            this.format = format;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(format);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            format = in.readInt();
        }

        @Override
        public TypeSerializer<Customer> restoreSerializer() {
            return new CustomerSerializer(format);
        }

        @Override
        public TypeSerializerSchemaCompatibility<Customer> resolveSchemaCompatibility(
                TypeSerializerSnapshot<Customer> old) {
            if (!(old instanceof Snapshot previous) || previous.format > FORMAT) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return previous.format == format
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
