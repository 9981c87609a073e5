package io.customerpulse.health;

import java.io.Serializable;

/**
 * The configurable part of DESIGN section 12 (seller health).
 *
 * @param maxNegativeFeedbackRate healthy below this negative feedback rate (0.005)
 * @param minPositiveFeedbackShare healthy at this positive feedback share or more (0.95)
 * @param minResponseRate healthy at this 24-hour response rate or more (0.90)
 * @param maxOpenMessages buyer messages waiting for their deadline per customer; past it the oldest
 *     counts at once, unanswered (100)
 */
public record SellerHealthSettings(
        double maxNegativeFeedbackRate,
        double minPositiveFeedbackShare,
        double minResponseRate,
        int maxOpenMessages)
        implements Serializable {}
