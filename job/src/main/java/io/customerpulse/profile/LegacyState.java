package io.customerpulse.profile;

import io.customerpulse.attribution.CreditedOrder;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.state.Click;
import io.customerpulse.avro.state.Credit;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.avro.state.SeenId;
import java.util.List;

/**
 * The customer state of releases before the compact serializer: one Avro record per customer
 * ({@code avro/state/CustomerState.avsc}, keyed state "customer"). The operator reads it once, when
 * it restores from such a savepoint, and rewrites every customer in the current form.
 */
final class LegacyState {
    private LegacyState() {}

    static Customer toCustomer(CustomerState s) {
        Customer c = new Customer();
        c.ordersTotal = s.getOrdersTotal();
        c.gmvMinor = s.getGmvMinor();
        c.refundsMinor = s.getRefundsMinor();
        c.returnedOrders = s.getReturnedOrders();
        List<String> returned = s.getReturnedOrderIds();
        c.returnedIds = returned.toArray(new String[0]);
        c.returnedIdCount = returned.size();
        List<Long> times = s.getOrderTimes90d();
        c.orderTimes = new long[times.size()];
        for (int i = 0; i < times.size(); i++) {
            c.orderTimes[i] = times.get(i);
        }
        c.orderCount = times.size();
        c.firstOrderAt = or(s.getFirstOrderAt());
        c.secondOrderAt = or(s.getSecondOrderAt());
        c.lastOrderAt = or(s.getLastOrderAt());
        c.reminderFor = c.lastOrderAt; // no actions then: history's reminders count as decided
        c.lastInteractionAt = or(s.getLastInteractionAt());
        c.engaged = s.getEngaged();
        c.segment = s.getSegment();
        c.segmentSince = or(s.getSegmentSince());
        c.highValueUntil = or(s.getHighValueUntil());
        c.version = s.getVersion();
        c.now = or(s.getNow());
        c.lastEventAt = c.now; // the legacy state has no last event time
        for (Click click : s.getClicks()) { // kept in click order
            c.ads.clicks()
                    .append(
                            click.getEventId(),
                            click.getAt(),
                            click.getCampaignId(),
                            click.getCostMinor());
        }
        for (io.customerpulse.avro.state.CreditedOrder o : s.getCreditedOrders()) {
            List<Credit> credits = o.getCredits();
            String[] campaigns = new String[credits.size()];
            long[] clickAt = new long[credits.size()];
            long[] amounts = new long[credits.size()];
            for (int i = 0; i < credits.size(); i++) {
                campaigns[i] = credits.get(i).getCampaignId();
                clickAt[i] = credits.get(i).getClickAt();
                amounts[i] = credits.get(i).getAmountMinor();
            }
            c.ads.credited()
                    .add(new CreditedOrder(o.getOrderId(), o.getAt(), campaigns, clickAt, amounts));
        }
        if (s.getAcquisitionDecided()) {
            c.ads.decideAcquisition(s.getAcquisitionCampaign(), or(s.getCacMinor()));
        }
        for (SeenId id : s.getSeenIds()) { // by time, oldest first
            SeenIds.remember(c, id.getId(), id.getAt());
        }
        for (CustomerEvent e : s.getPending()) { // unordered there
            c.addPending(e);
        }
        c.wakeUpAt = or(s.getWakeUpAt());
        c.purchaseDays = s.getPurchaseDays();
        c.firstDayValueMinor = s.getFirstDayValueMinor();
        c.repeatValueMinor = s.getRepeatValueMinor();
        return c;
    }

    private static long or(Long value) {
        return value == null ? Customer.NONE : value;
    }
}
