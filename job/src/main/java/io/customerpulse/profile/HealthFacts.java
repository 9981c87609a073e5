package io.customerpulse.profile;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.ingest.Interactions;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * What a customer's steps add to their marketplace's seller health (DESIGN section 12): every
 * applied order, return, shipment and interaction marks its day; a counted order adds to orders and
 * GMV, and to the repeat-buyer GMV from the customer's second order of the month on (the first
 * order's GMV with it, on the second's day); a FEEDBACK adds to feedback, negative (rating 1–2) or
 * positive (4–5); a MESSAGE waits for its reply deadline (its time + 24 h) — a SELLER_REPLY naming
 * it at or before the deadline answers it — and counts on the deadline's day, answered or not.
 * Plain Java on the customer's state; {@link ProfileEngine} calls it within a step.
 */
public final class HealthFacts implements Serializable {
    static final long REPLY_WITHIN = 86_400_000L;

    private final int maxOpenMessages;

    public HealthFacts(int maxOpenMessages) {
        this.maxOpenMessages = maxOpenMessages;
    }

    /** An event applied by a step; {@code counted} false for an order already counted. */
    void onEvent(Customer c, CustomerEvent e, boolean counted, StepOutput out) {
        if (!counted) {
            return;
        }
        String m = e.getMarketplace();
        long at = e.getEventTime().toEpochMilli();
        int day = HealthDeltas.day(at);
        switch (e.getKind()) {
            case ORDER -> {
                out.health(m, day, HealthDeltas.EVENTS, 1);
                out.health(m, day, HealthDeltas.ORDERS, 1);
                out.health(m, day, HealthDeltas.GMV, e.getAmountMinor());
                long repeat = repeatGmv(c, m, at, e.getAmountMinor());
                if (repeat != 0) {
                    out.health(m, day, HealthDeltas.REPEAT_GMV, repeat);
                }
            }
            case RETURN -> out.health(m, day, HealthDeltas.EVENTS, 1);
            case INTERACTION -> {
                out.health(m, day, HealthDeltas.EVENTS, 1);
                String type = e.getInteractionType();
                if (Interactions.FEEDBACK.equals(type)) {
                    out.health(m, day, HealthDeltas.FEEDBACK, 1);
                    Integer rating = e.getRating();
                    if (rating != null && rating <= 2) {
                        out.health(m, day, HealthDeltas.NEGATIVE, 1);
                    } else if (rating != null && rating >= 4) {
                        out.health(m, day, HealthDeltas.POSITIVE, 1);
                    }
                } else if (Interactions.MESSAGE.equals(type)) {
                    if (c.messages.size >= maxOpenMessages) {
                        due(c.messages, out); // the oldest counts now, unanswered
                    }
                    c.messages.add(e.getEventId(), m, at, false);
                } else if (Interactions.SELLER_REPLY.equals(type)) {
                    int i = c.messages.find(e.getReplyTo());
                    if (i >= 0 && at <= c.messages.at[i] + REPLY_WITHIN) {
                        c.messages.answered[i] = true;
                    }
                }
            }
            default -> {}
        }
    }

    /** At the end of a step at {@code t}: the messages whose deadline is at or before it count. */
    void decide(Customer c, long t, StepOutput out) {
        Messages msgs = c.messages;
        while (msgs.size > 0 && msgs.at[0] + REPLY_WITHIN <= t) {
            due(msgs, out);
        }
    }

    private static void due(Messages msgs, StepOutput out) {
        int day = HealthDeltas.day(msgs.at[0] + REPLY_WITHIN);
        out.health(msgs.marketplaces[0], day, HealthDeltas.MESSAGES_DUE, 1);
        if (msgs.answered[0]) {
            out.health(msgs.marketplaces[0], day, HealthDeltas.ANSWERED, 1);
        }
        msgs.removeFirst();
    }

    /** The next reply deadline after the customer's last step; Long.MAX_VALUE if none. */
    static long nextDueAt(Customer c) {
        return c.messages.size == 0
                ? Long.MAX_VALUE
                : Math.max(c.messages.at[0] + REPLY_WITHIN, c.now + 1);
    }

    /**
     * The repeat-buyer GMV an order adds: 0 for the customer's first order of its month in its
     * marketplace, the first's and its own for the second, its own from the third on.
     */
    private static long repeatGmv(Customer c, String marketplace, long at, long gmv) {
        int month = month(at);
        MonthOrders months = c.months;
        months.forgetBefore(month(Math.max(at, c.now)) - 1);
        int i = months.find(marketplace, month);
        if (i < 0) {
            months.add(marketplace, month, 1, gmv);
            return 0;
        }
        months.counts[i]++;
        return months.counts[i] == 2 ? months.firstGmv[i] + gmv : gmv;
    }

    /** Months since 1970-01 (UTC) of an event time. */
    static int month(long at) {
        var d = Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC);
        return (d.getYear() - 1970) * 12 + d.getMonthValue() - 1;
    }
}
