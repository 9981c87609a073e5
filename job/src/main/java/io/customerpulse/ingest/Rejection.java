package io.customerpulse.ingest;

/** A validation failure: the reason code and a sentence that names the field and value. */
public final class Rejection extends Exception {
    private final RejectReason reason;

    public Rejection(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
