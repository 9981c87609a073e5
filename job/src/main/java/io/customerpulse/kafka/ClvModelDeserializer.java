package io.customerpulse.kafka;

import io.customerpulse.avro.ClvModel;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of the clv-models topic. One that is not a ClvModel is logged with its offset and skipped
 * (it stays in the topic; the served model is unchanged) instead of failing the job over and over.
 */
final class ClvModelDeserializer implements KafkaRecordDeserializationSchema<ClvModel> {
    private static final Logger LOG = LoggerFactory.getLogger(ClvModelDeserializer.class);

    private transient AvroBytes.Reader<ClvModel> reader;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ClvModel> out) {
        try {
            if (reader == null) {
                reader = new AvroBytes.Reader<>(ClvModel.class, ReleasedSchemas.released());
            }
            out.collect(reader.read(record.value()));
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "skipped {}-{}@{}: not a ClvModel ({})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
        }
    }

    @Override
    public TypeInformation<ClvModel> getProducedType() {
        return new AvroTypeInfo<>(ClvModel.class);
    }
}
