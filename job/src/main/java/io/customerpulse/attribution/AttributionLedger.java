package io.customerpulse.attribution;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.profile.Customer;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/**
 * The rules of the attribution part of a customer's state ({@link AttributionState}): the clicks of
 * the window, the credited orders of the return window, and the acquisition. Each method adds what
 * it contributes to campaign days as {@link CampaignDelta}s to a list the caller gives. Called by
 * the profile engine inside a step, after all events of that millisecond were applied, so a click
 * at the same millisecond as an order counts.
 */
public final class AttributionLedger implements Serializable {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final AttributionSettings settings;
    private final long window;
    private final long returnWindow;
    private final int maxCredited;

    /**
     * @param maxCredited credited orders kept per customer (retention.max-credited-orders); past it
     *     the oldest is forgotten, and a later return of it is not reported to its campaigns
     */
    public AttributionLedger(AttributionSettings settings, int maxCredited) {
        this.settings = settings;
        this.maxCredited = maxCredited;
        this.window = settings.window().toMillis();
        this.returnWindow = settings.returnWindow().toMillis();
    }

    /** Keeps a click for the window (unless it is already out of it at {@code now}). */
    public void addClick(AttributionState s, CustomerEvent click, long now) {
        long at = click.getEventTime().toEpochMilli();
        if (at + window <= now) {
            return; // a late click that can no longer be credited
        }
        s.clicks()
                .add(
                        click.getEventId(),
                        at,
                        click.getCampaignId(),
                        click.getAmountMinor(),
                        settings.maxClicks());
    }

    /**
     * Credits an order to the clicks of its window, once per order_id; the customer's first order
     * also decides the acquisition (7-day last click, or organic for good).
     */
    public void creditOrder(AttributionState s, CustomerEvent order, List<CampaignDelta> deltas) {
        long at = order.getEventTime().toEpochMilli();
        Clicks clicks = s.clicks();
        if (!s.acquisitionDecided()) {
            int last = Attribution.lastClick(clicks, at, window);
            if (last < 0) {
                s.decideAcquisition(null, Customer.NONE);
            } else {
                String campaign = clicks.campaign(last);
                long cac = 0;
                for (int i = clicks.firstEligible(at, window); i <= last; i++) {
                    if (clicks.campaign(i).equals(campaign)) {
                        cac += clicks.cost(i);
                    }
                }
                s.decideAcquisition(campaign, cac);
                deltas.add(delta(campaign, clicks.at(last), 0, 0, 0, 1));
            }
        }
        if (isCredited(s, order.getOrderId())) {
            return;
        }
        List<Attribution.Share> shares =
                Attribution.credit(settings.model(), clicks, at, window, order.getAmountMinor());
        if (shares.isEmpty()) {
            return;
        }
        int n = shares.size();
        String[] campaigns = new String[n];
        long[] clickAt = new long[n];
        long[] amounts = new long[n];
        for (int i = 0; i < n; i++) {
            Attribution.Share share = shares.get(i);
            campaigns[i] = share.campaignId();
            clickAt[i] = share.clickAt();
            amounts[i] = share.amountMinor();
            deltas.add(delta(share.campaignId(), share.clickAt(), 1, share.amountMinor(), 0, 0));
        }
        List<CreditedOrder> credited = s.credited();
        int i = credited.size();
        while (i > 0 && credited.get(i - 1).at() > at) {
            i--;
        }
        credited.add(i, new CreditedOrder(order.getOrderId(), at, campaigns, clickAt, amounts));
        if (credited.size() > maxCredited) {
            credited.remove(0);
        }
    }

    /**
     * A refund of {@code refundMinor} (what the return refunded, after its order's cap) of a
     * credited order, reported on the return's day for the credited campaigns.
     */
    public void creditReturn(
            AttributionState s, CustomerEvent ret, long refundMinor, List<CampaignDelta> deltas) {
        for (CreditedOrder o : s.credited()) {
            if (o.orderId().equals(ret.getOrderId())) {
                long[] parts = Attribution.proportional(refundMinor, o.amountMinor());
                long at = ret.getEventTime().toEpochMilli();
                for (int i = 0; i < parts.length; i++) {
                    deltas.add(delta(o.campaigns()[i], at, 0, 0, parts[i], 0));
                }
                return;
            }
        }
    }

    /**
     * Forgets clicks out of the window and credited orders out of the return window at {@code t}:
     * those whose end is at or before {@code t} ({@code inclusive}, after a step's events) or
     * strictly before it (before them: an end that falls on the step's millisecond comes after its
     * events, DESIGN section 3). Forgetting needs no timer of its own: nothing reads an expired
     * click, and a credited order is only looked up by a return, inside a step.
     */
    public void forget(AttributionState s, long t, boolean inclusive) {
        s.clicks().forget(window, t, inclusive);
        List<CreditedOrder> credited = s.credited();
        int n = 0;
        while (n < credited.size()
                && (inclusive
                        ? credited.get(n).at() + returnWindow <= t
                        : credited.get(n).at() + returnWindow < t)) {
            n++;
        }
        if (n > 0) {
            credited.subList(0, n).clear();
        }
    }

    private static boolean isCredited(AttributionState s, String orderId) {
        for (CreditedOrder o : s.credited()) {
            if (o.orderId().equals(orderId)) {
                return true;
            }
        }
        return false;
    }

    private static CampaignDelta delta(
            String campaign, long at, long orders, long sales, long returns, long newCustomers) {
        return new CampaignDelta(
                campaign,
                LocalDate.ofEpochDay(Math.floorDiv(at, MILLIS_PER_DAY)),
                0L,
                0L,
                0L,
                orders,
                sales,
                returns,
                newCustomers);
    }
}
