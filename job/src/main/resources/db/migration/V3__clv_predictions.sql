-- Predicted CLV (DESIGN section 6): the models' summary of each customer, the predictions of the
-- served model (NULL until one is served), and every fitted model.

ALTER TABLE customer_profile
    ADD COLUMN repeat_purchases    integer NOT NULL DEFAULT 0,  -- x: purchase days minus one
    ADD COLUMN repeat_value_minor  bigint  NOT NULL DEFAULT 0,  -- value of the repeat purchase days
    ADD COLUMN expected_orders_90d double precision,
    ADD COLUMN p_alive             double precision,
    ADD COLUMN predicted_clv_minor bigint,
    ADD COLUMN clv_model           text;

-- one row per fit (scripts/fit-clv); the job serves the newest that was published
CREATE TABLE clv_model (
    model_id                   text PRIMARY KEY,
    fitted_at                  timestamptz      NOT NULL,
    as_of                      date             NOT NULL,
    currency                   char(3)          NOT NULL,
    customers                  integer          NOT NULL,
    repeat_customers           integer          NOT NULL,
    r                          double precision NOT NULL,
    alpha                      double precision NOT NULL,
    a                          double precision NOT NULL,
    b                          double precision NOT NULL,
    bgnbd_log_likelihood       double precision NOT NULL,
    p                          double precision NOT NULL,
    q                          double precision NOT NULL,
    gamma                      double precision NOT NULL,
    gamma_gamma_log_likelihood double precision NOT NULL
);
