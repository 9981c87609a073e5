package io.customerpulse.profile;

import io.customerpulse.clv.RfmStats;

/**
 * The CLV models' summary of a customer (DESIGN section 6), kept exact as orders are applied: the
 * purchases are distinct UTC days with an order (orders of one day merge into one purchase, as in
 * the literature), x is their number minus one, t_x and T run from the first purchase day to the
 * last one and to today, in weeks, and m_x is the mean value of the purchase days after the first.
 *
 * <p>Orders normally arrive in event-time order (they wait for the watermark), so a new order falls
 * on the last purchase day or after it. A late order can fall before the first day (the old first
 * day becomes a repeat purchase) or between the first and the last: then the orders of the last 90
 * days (kept for orders_90d) tell whether that day already had one. Only a late order more than 90
 * days old on a day between the first and the last purchase can be counted as a new purchase day
 * when it was not one (documented in the README).
 */
final class RepeatPurchases {
    static final long DAY = 86_400_000L;

    private RepeatPurchases() {}

    /**
     * Adds an order at {@code at} of {@code valueMinor}; call before first/last order times and the
     * 90-day order list include it.
     */
    static void add(Customer c, long at, long valueMinor) {
        long day = Math.floorDiv(at, DAY);
        if (c.firstOrderAt == Customer.NONE) {
            c.purchaseDays = 1;
            c.firstDayValueMinor = valueMinor;
            return;
        }
        long firstDay = Math.floorDiv(c.firstOrderAt, DAY);
        long lastDay = Math.floorDiv(c.lastOrderAt, DAY);
        if (day == firstDay) {
            c.firstDayValueMinor += valueMinor;
        } else if (day < firstDay) {
            c.repeatValueMinor += c.firstDayValueMinor;
            c.firstDayValueMinor = valueMinor;
            c.purchaseDays++;
        } else {
            c.repeatValueMinor += valueMinor;
            if (day > lastDay || (day < lastDay && !anyOrderOn(c, day))) {
                c.purchaseDays++;
            }
        }
    }

    private static boolean anyOrderOn(Customer c, long day) {
        for (int i = 0; i < c.orderCount; i++) {
            if (Math.floorDiv(c.orderTimes[i], DAY) == day) {
                return true;
            }
        }
        return false;
    }

    /** x, repeat purchases (0 before the first order). */
    static int x(Customer c) {
        return Math.max(0, c.purchaseDays - 1);
    }

    /**
     * The models' summary as of {@code now}, values in major units ({@code minorPerUnit} minor
     * units each); null before the first order.
     */
    static RfmStats stats(Customer c, long now, double minorPerUnit) {
        if (c.firstOrderAt == Customer.NONE) {
            return null;
        }
        return RfmStats.of(
                c.firstOrderAt,
                c.lastOrderAt,
                Math.floorDiv(now, DAY),
                x(c),
                c.repeatValueMinor / minorPerUnit);
    }
}
