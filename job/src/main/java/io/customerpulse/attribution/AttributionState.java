package io.customerpulse.attribution;

import io.customerpulse.profile.Customer;
import java.util.ArrayList;
import java.util.List;

/**
 * The attribution part of a customer's state: the clicks of the window, the credited orders of the
 * return window (oldest first), and the acquisition — decided by the first order, to a campaign or
 * organic for good. {@link AttributionLedger} holds the rules that change it.
 */
public final class AttributionState {
    private final Clicks clicks;
    private final List<CreditedOrder> credited;
    private boolean acquisitionDecided;
    private String acquisitionCampaign;
    private long cacMinor = Customer.NONE;

    public AttributionState() {
        this(new Clicks(), new ArrayList<>(0));
    }

    private AttributionState(Clicks clicks, List<CreditedOrder> credited) {
        this.clicks = clicks;
        this.credited = credited;
    }

    public Clicks clicks() {
        return clicks;
    }

    /** The credited orders, oldest first; the list is the state's own (mutable). */
    public List<CreditedOrder> credited() {
        return credited;
    }

    public boolean acquisitionDecided() {
        return acquisitionDecided;
    }

    /** The campaign credited with the first order; null before it or when it was organic. */
    public String acquisitionCampaign() {
        return acquisitionCampaign;
    }

    /** The acquisition cost; {@link Customer#NONE} when organic or undecided. */
    public long cacMinor() {
        return cacMinor;
    }

    /** Records the acquisition: {@code campaign} null (and cac NONE) for organic. */
    public void decideAcquisition(String campaign, long cac) {
        acquisitionDecided = true;
        acquisitionCampaign = campaign;
        cacMinor = cac;
    }

    /** A deep copy (the credited orders themselves are immutable). */
    public AttributionState copy() {
        AttributionState a = new AttributionState(clicks.copy(), new ArrayList<>(credited));
        a.acquisitionDecided = acquisitionDecided;
        a.acquisitionCampaign = acquisitionCampaign;
        a.cacMinor = cacMinor;
        return a;
    }
}
