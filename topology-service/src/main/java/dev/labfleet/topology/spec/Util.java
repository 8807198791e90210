package dev.labfleet.topology.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive copies that keep the order users wrote (and allow null values inside GNS3 properties). */
final class Util {

    private Util() {
    }

    static <K, V> Map<K, V> orderedCopy(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> List<T> listCopy(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }
}
