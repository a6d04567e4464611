package io.aralez.controller.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Identifies an object the builder reports on. */
public record ObjectRef(String kind, String namespace, String name)
    implements Comparable<ObjectRef> {

  public static ObjectRef of(HasMetadata o) {
    return new ObjectRef(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  @Override
  public int compareTo(ObjectRef o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
