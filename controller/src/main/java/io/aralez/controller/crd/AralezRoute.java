package io.aralez.controller.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Routes for one or more host names, with Gateway-style matches and Aralez policies. */
@Group("aralez.io")
@Version("v1alpha1")
@Kind("AralezRoute")
@Plural("aralezroutes")
@ShortNames("arx")
public class AralezRoute extends CustomResource<AralezRouteSpec, AralezRouteStatus>
    implements Namespaced {}
