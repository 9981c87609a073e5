package io.customerpulse.attribution;

import java.io.Serializable;
import java.time.Duration;

/**
 * How orders are credited to ad clicks (DESIGN section 7).
 *
 * @param model how an order's sales are shared among the clicks of the window
 * @param window a click at c may be credited with an order at o when o - window &lt; c &lt;= o
 * @param maxClicks clicks kept per customer; the oldest go first
 * @param returnWindow how long a credited order is remembered for its refunds
 */
public record AttributionSettings(
        Model model, Duration window, int maxClicks, Duration returnWindow)
        implements Serializable {

    /** Attribution models. */
    public enum Model {
        /** The most recent click gets all (equal times: the larger event_id). */
        LAST_CLICK,
        /** The earliest click of the window gets all (equal times: the smaller event_id). */
        FIRST_CLICK,
        /** An equal split in minor units; the remainder goes one unit each to the latest clicks. */
        LINEAR
    }
}
