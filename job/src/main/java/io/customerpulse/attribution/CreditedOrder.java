package io.customerpulse.attribution;

/**
 * An order credited to ad clicks, kept for the return window so that a refund is reported for the
 * same campaigns and so that an order is credited once. The credits are parallel arrays: campaign,
 * the credited click's time, and the amount credited to it.
 */
public record CreditedOrder(
        String orderId, long at, String[] campaigns, long[] clickAt, long[] amountMinor) {

    public int credits() {
        return campaigns.length;
    }
}
