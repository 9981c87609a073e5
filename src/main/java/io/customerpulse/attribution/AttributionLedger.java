package io.customerpulse.attribution;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.state.Click;
import io.customerpulse.avro.state.Credit;
import io.customerpulse.avro.state.CreditedOrder;
import io.customerpulse.avro.state.CustomerState;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The attribution side of a customer's state: the clicks of the window, the credited orders of the
 * return window, and the acquisition. Each method says what it adds to campaign days as {@link
 * CampaignDelta}s. Called by the profile engine inside a step, after all events of that millisecond
 * were applied, so a click at the same millisecond as an order counts.
 */
public final class AttributionLedger implements Serializable {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final AttributionSettings settings;
    private final long window;
    private final long returnWindow;

    public AttributionLedger(AttributionSettings settings) {
        this.settings = settings;
        this.window = settings.window().toMillis();
        this.returnWindow = settings.returnWindow().toMillis();
    }

    /** Keeps a click for the window (unless it is already out of it at {@code now}). */
    public void addClick(CustomerState s, CustomerEvent click, long now) {
        long at = click.getEventTime().toEpochMilli();
        if (at + window <= now) {
            return; // a late click that can no longer be credited
        }
        List<Click> clicks = s.getClicks();
        Click c = new Click(click.getEventId(), at, click.getCampaignId(), click.getAmountMinor());
        int i = clicks.size();
        while (i > 0 && Attribution.CLICK_ORDER.compare(clicks.get(i - 1), c) > 0) {
            i--;
        }
        clicks.add(i, c);
        if (clicks.size() > settings.maxClicks()) {
            clicks.remove(0);
        }
    }

    /**
     * Credits an order to the clicks of its window, once per order_id; the customer's first order
     * also decides the acquisition (7-day last click, or organic for good).
     */
    public List<CampaignDelta> creditOrder(CustomerState s, CustomerEvent order) {
        List<CampaignDelta> deltas = new ArrayList<>();
        long at = order.getEventTime().toEpochMilli();
        if (!s.getAcquisitionDecided()) {
            s.setAcquisitionDecided(true);
            Click last = Attribution.lastClick(s.getClicks(), at, window);
            if (last != null) {
                long cac = 0;
                for (Click c : Attribution.eligible(s.getClicks(), at, window)) {
                    if (c.getCampaignId().equals(last.getCampaignId())) {
                        cac += c.getCostMinor();
                    }
                }
                s.setAcquisitionCampaign(last.getCampaignId());
                s.setCacMinor(cac);
                deltas.add(delta(last.getCampaignId(), last.getAt()).setNewCustomers(1).build());
            }
        }
        if (isCredited(s, order.getOrderId())) {
            return deltas;
        }
        List<Attribution.Share> shares =
                Attribution.credit(
                        settings.model(), s.getClicks(), at, window, order.getAmountMinor());
        if (shares.isEmpty()) {
            return deltas;
        }
        List<Credit> credits = new ArrayList<>();
        for (Attribution.Share share : shares) {
            Click c = share.click();
            credits.add(new Credit(c.getCampaignId(), c.getAt(), share.amountMinor()));
            deltas.add(
                    delta(c.getCampaignId(), c.getAt())
                            .setAttributedOrders(1)
                            .setAttributedSalesMinor(share.amountMinor())
                            .build());
        }
        List<CreditedOrder> credited = s.getCreditedOrders();
        int i = credited.size();
        while (i > 0 && credited.get(i - 1).getAt() > at) {
            i--;
        }
        credited.add(i, new CreditedOrder(order.getOrderId(), at, credits));
        return deltas;
    }

    /** A refund of a credited order, reported on the return's day for the credited campaigns. */
    public List<CampaignDelta> creditReturn(CustomerState s, CustomerEvent ret) {
        for (CreditedOrder o : s.getCreditedOrders()) {
            if (o.getOrderId().equals(ret.getOrderId())) {
                List<Credit> credits = o.getCredits();
                long[] weights = credits.stream().mapToLong(Credit::getAmountMinor).toArray();
                long[] parts = Attribution.proportional(ret.getAmountMinor(), weights);
                List<CampaignDelta> deltas = new ArrayList<>();
                long at = ret.getEventTime().toEpochMilli();
                for (int i = 0; i < parts.length; i++) {
                    deltas.add(
                            delta(credits.get(i).getCampaignId(), at)
                                    .setAttributedReturnsMinor(parts[i])
                                    .build());
                }
                return deltas;
            }
        }
        return List.of();
    }

    /**
     * Forgets clicks out of the window and credited orders out of the return window at {@code t}.
     */
    public void expire(CustomerState s, long t) {
        List<Click> clicks = s.getClicks();
        while (!clicks.isEmpty() && clicks.get(0).getAt() + window <= t) {
            clicks.remove(0);
        }
        List<CreditedOrder> credited = s.getCreditedOrders();
        while (!credited.isEmpty() && credited.get(0).getAt() + returnWindow <= t) {
            credited.remove(0);
        }
    }

    /** When the next click or credited order is forgotten; {@code Long.MAX_VALUE} if never. */
    public long nextExpiry(CustomerState s) {
        long next = Long.MAX_VALUE;
        if (!s.getClicks().isEmpty()) {
            next = s.getClicks().get(0).getAt() + window;
        }
        if (!s.getCreditedOrders().isEmpty()) {
            next = Math.min(next, s.getCreditedOrders().get(0).getAt() + returnWindow);
        }
        return next;
    }

    private static boolean isCredited(CustomerState s, String orderId) {
        for (CreditedOrder o : s.getCreditedOrders()) {
            if (o.getOrderId().equals(orderId)) {
                return true;
            }
        }
        return false;
    }

    private static CampaignDelta.Builder delta(String campaign, long at) {
        return CampaignDelta.newBuilder()
                .setCampaignId(campaign)
                .setDay(LocalDate.ofEpochDay(Math.floorDiv(at, MILLIS_PER_DAY)));
    }
}
