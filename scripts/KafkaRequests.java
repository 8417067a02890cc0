import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Kafka does for a running Berth JVM, per second over a window: its clients' produce requests and records
 * (per producer), fetches and records read (per consumer), and, in a JVM that runs Kafka itself (the launcher or
 * StandaloneKafka), the broker's requests by type and records in by topic. Run by scripts/kafka-requests.
 */
public final class KafkaRequests {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaRequests PID SECONDS");
            System.exit(2);
        }
        long seconds = Long.parseLong(args[1]);
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Map<String, Long> before = counters(server);
            Thread.sleep(seconds * 1000);
            Map<String, Long> after = counters(server);
            after.forEach((name, count) -> {
                long delta = count - before.getOrDefault(name, 0L);
                if (delta > 0) {
                    System.out.printf("%10.1f/s  %s%n", delta / (double) seconds, name);
                }
            });
        } finally {
            vm.detach();
        }
    }

    private static Map<String, Long> counters(MBeanServerConnection server) throws Exception {
        Map<String, Long> counters = new TreeMap<>();
        for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
            String client = name.getKeyProperty("client-id");
            counters.put("producer " + client + " requests", count(server, name, "request-total"));
            counters.put("producer " + client + " records", count(server, name, "record-send-total"));
        }
        for (ObjectName name : server.queryNames(
                new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)) {
            if (name.getKeyProperty("topic") == null && name.getKeyProperty("partition") == null) {
                String client = name.getKeyProperty("client-id");
                counters.put("consumer " + client + " fetches", count(server, name, "fetch-total"));
                counters.put("consumer " + client + " records", count(server, name, "records-consumed-total"));
            }
        }
        for (ObjectName name : server.queryNames(
                new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
            counters.merge("kafka requests " + name.getKeyProperty("request"), count(server, name, "Count"), Long::sum);
        }
        for (ObjectName name : server.queryNames(
                new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=*"), null)) {
            counters.put("kafka records in " + name.getKeyProperty("topic"), count(server, name, "Count"));
        }
        return counters;
    }

    private static long count(MBeanServerConnection server, ObjectName name, String attribute) throws Exception {
        return ((Number) server.getAttribute(name, attribute)).longValue();
    }
}
