package io.customerpulse.ingest;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;

/**
 * The interaction types the rules read (DESIGN sections 2, 11 and 12). A shipment is normalised to
 * an INTERACTION whose type is its status, SHIPPED or DELIVERED: a new {@link EventKind} symbol
 * would make every late-events consumer on LateEvent version 1 fail on the first late shipment (an
 * Avro enum cannot gain a symbol compatibly), while a new interaction type is just a string. Those
 * two types are therefore reserved: an Interaction record that uses one is dead-lettered.
 */
public final class Interactions {
    public static final String MESSAGE = "MESSAGE";
    public static final String SELLER_REPLY = "SELLER_REPLY";
    public static final String FEEDBACK = "FEEDBACK";
    public static final String COMPLAINT = "COMPLAINT";
    public static final String SHIPPED = "SHIPPED";
    public static final String DELIVERED = "DELIVERED";

    /**
     * An ErasureRequest (topic customer-erasure, DESIGN section 13), normalised like a shipment: an
     * INTERACTION of this type, which no rule reads as activity; the customer operator erases the
     * customer when event time passes it. Reserved too.
     */
    public static final String ERASURE = "ERASURE";

    private Interactions() {}

    /** Whether the event is an erasure request. */
    public static boolean isErasure(CustomerEvent e) {
        return e.getKind() == EventKind.INTERACTION && ERASURE.equals(e.getInteractionType());
    }

    /** Whether an interaction type is a shipment status (reserved for the shipments topic). */
    public static boolean isShipment(String type) {
        return SHIPPED.equals(type) || DELIVERED.equals(type);
    }

    /**
     * Whether the event is the customer's own activity (DESIGN section 2): every event of a
     * customer but an ad impression, a seller's reply and a shipment.
     */
    public static boolean isCustomerActivity(CustomerEvent e) {
        return switch (e.getKind()) {
            case IMPRESSION -> false;
            case INTERACTION -> {
                String type = e.getInteractionType();
                yield !SELLER_REPLY.equals(type) && !isShipment(type) && !ERASURE.equals(type);
            }
            default -> true;
        };
    }
}
