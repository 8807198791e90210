package dev.labfleet.monitoring.messaging;

import dev.labfleet.monitoring.service.FleetResync;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Rebuilds the model from the gateway whenever {@code gns3.events} partitions are (re)assigned: events from before
 * the assignment are not read (the group starts at the end), so the gateway's state is the baseline.
 */
@ApplicationScoped
@Identifier("monitoring-rebalance")
public class ResyncOnAssignment implements KafkaConsumerRebalanceListener {

    private final FleetResync resync;

    public ResyncOnAssignment(FleetResync resync) {
        this.resync = resync;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            resync.requestResync("partitions assigned");
        }
    }
}
