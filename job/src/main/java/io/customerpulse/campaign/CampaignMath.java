package io.customerpulse.campaign;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.state.CampaignDay;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;

/**
 * The arithmetic of campaign days: what an ad event adds, how deltas add up, and the ratios of a
 * row (DESIGN section 7). A ratio whose denominator is zero is null, never infinite or NaN.
 */
public final class CampaignMath implements Serializable {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final String currency;
    private final double minorPerUnit;
    private final CampaignSettings settings;

    public CampaignMath(String currency, CampaignSettings settings) {
        this.currency = currency;
        this.minorPerUnit = Math.pow(10, Currency.getInstance(currency).getDefaultFractionDigits());
        this.settings = settings;
    }

    /** What an impression or click adds to its campaign's day: one, and its cost as spend. */
    public static CampaignDelta ofAdEvent(CustomerEvent e) {
        long at = e.getEventTime().toEpochMilli();
        boolean click = e.getKind() == EventKind.CLICK;
        return CampaignDelta.newBuilder()
                .setCampaignId(e.getCampaignId())
                .setDay(LocalDate.ofEpochDay(Math.floorDiv(at, MILLIS_PER_DAY)))
                .setImpressions(click ? 0 : 1)
                .setClicks(click ? 1 : 0)
                .setSpendMinor(e.getAmountMinor())
                .build();
    }

    /** Adds {@code delta} to {@code sum} (both deltas of the same campaign day). */
    public static void add(CampaignDelta sum, CampaignDelta delta) {
        sum.setImpressions(sum.getImpressions() + delta.getImpressions());
        sum.setClicks(sum.getClicks() + delta.getClicks());
        sum.setSpendMinor(sum.getSpendMinor() + delta.getSpendMinor());
        sum.setAttributedOrders(sum.getAttributedOrders() + delta.getAttributedOrders());
        sum.setAttributedSalesMinor(
                sum.getAttributedSalesMinor() + delta.getAttributedSalesMinor());
        sum.setAttributedReturnsMinor(
                sum.getAttributedReturnsMinor() + delta.getAttributedReturnsMinor());
        sum.setNewCustomers(sum.getNewCustomers() + delta.getNewCustomers());
    }

    /** Adds {@code delta} to {@code day}. */
    public static void add(CampaignDay day, CampaignDelta delta) {
        day.setImpressions(day.getImpressions() + delta.getImpressions());
        day.setClicks(day.getClicks() + delta.getClicks());
        day.setSpendMinor(day.getSpendMinor() + delta.getSpendMinor());
        day.setAttributedOrders(day.getAttributedOrders() + delta.getAttributedOrders());
        day.setAttributedSalesMinor(
                day.getAttributedSalesMinor() + delta.getAttributedSalesMinor());
        day.setAttributedReturnsMinor(
                day.getAttributedReturnsMinor() + delta.getAttributedReturnsMinor());
        day.setNewCustomers(day.getNewCustomers() + delta.getNewCustomers());
    }

    /** The output row of a day, with its ratios and their comparison with the references. */
    public CampaignDaily row(String campaignId, CampaignDay d, boolean isFinal, long at) {
        double spend = d.getSpendMinor() / minorPerUnit;
        Double ctr = ratio(d.getClicks(), d.getImpressions());
        Double cpm = d.getImpressions() == 0 ? null : spend / d.getImpressions() * 1000;
        Double acos = ratio(d.getSpendMinor(), d.getAttributedSalesMinor());
        return CampaignDaily.newBuilder()
                .setCampaignId(campaignId)
                .setDay(LocalDate.ofEpochDay(d.getDay()))
                .setCurrency(currency)
                .setImpressions(d.getImpressions())
                .setClicks(d.getClicks())
                .setSpendMinor(d.getSpendMinor())
                .setCtr(ctr)
                .setCpc(d.getClicks() == 0 ? null : spend / d.getClicks())
                .setCpm(cpm)
                .setAttributedOrders(d.getAttributedOrders())
                .setAttributedSalesMinor(d.getAttributedSalesMinor())
                .setAttributedReturnsMinor(d.getAttributedReturnsMinor())
                .setAcos(acos)
                .setRoas(ratio(d.getAttributedSalesMinor(), d.getSpendMinor()))
                .setNewCustomers(d.getNewCustomers())
                .setCac(d.getNewCustomers() == 0 ? null : spend / d.getNewCustomers())
                .setCtrOk(ctr == null ? null : ctr > settings.ctrMin())
                .setAcosOk(acos == null ? null : acos <= settings.acosMax())
                .setCpmOk(cpm == null ? null : cpm >= settings.cpmMin() && cpm <= settings.cpmMax())
                .setFinal$(isFinal)
                .setVersion(d.getVersion())
                .setUpdatedAt(Instant.ofEpochMilli(at))
                .build();
    }

    private static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }
}
