import com.sun.jdi.Bootstrap;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import java.util.List;
import java.util.Map;

/**
 * Which path reaches a bytecode: attaches to a JVM started with
 * -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:PORT, sets a breakpoint
 * at each class#method@bci given, and prints the thread's stack (and the receiver's JDI id, to
 * pair events on one object) at every hit, up to MAX hits. Only the hit thread stops, briefly: put
 * breakpoints on rare paths (a branch an uncommon trap names), not on the per-request path.
 *
 *   java --add-modules jdk.jdi bench/tools/BreakTrace.java 5005 200 \
 *     'io.netty.channel.uring.AbstractIoUringChannel#doBeginReadNow@7'
 */
public class BreakTrace {
  public static void main(String[] args) throws Exception {
    AttachingConnector socket =
        Bootstrap.virtualMachineManager().attachingConnectors().stream()
            .filter(c -> c.name().equals("com.sun.jdi.SocketAttach"))
            .findFirst()
            .orElseThrow();
    Map<String, Connector.Argument> arguments = socket.defaultArguments();
    arguments.get("hostname").setValue("127.0.0.1");
    arguments.get("port").setValue(args[0]);
    int max = Integer.parseInt(args[1]);
    VirtualMachine vm = socket.attach(arguments);
    for (int i = 2; i < args.length; i++) {
      String[] classRest = args[i].split("#", 2);
      String[] methodBci = classRest[1].split("@", 2);
      List<ReferenceType> types = vm.classesByName(classRest[0]);
      if (types.isEmpty()) {
        System.out.println("not loaded (yet): " + classRest[0]);
        continue;
      }
      for (Method m : types.get(0).methodsByName(methodBci[0])) {
        Location at = m.locationOfCodeIndex(Long.parseLong(methodBci[1]));
        BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(at);
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
        System.out.println("breakpoint " + m + " @" + methodBci[1]);
      }
    }
    int hits = 0;
    while (true) {
      EventSet events = vm.eventQueue().remove();
      for (Event e : events) {
        if (e instanceof BreakpointEvent hit) {
          ThreadReference t = hit.thread();
          ObjectReference self = t.frame(0).thisObject();
          StringBuilder out = new StringBuilder("HIT ").append(hit.location().method().name());
          out.append(" this=").append(self == null ? "static" : self.uniqueID());
          for (int f = 1; f < Math.min(t.frameCount(), 14); f++) {
            Location l = t.frame(f).location();
            out.append("\n    ").append(l.declaringType().name()).append('.');
            out.append(l.method().name()).append('@').append(l.codeIndex());
          }
          System.out.println(out);
          if (++hits >= max) {
            vm.dispose();
            return;
          }
        } else if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
          return;
        }
      }
      events.resume();
    }
  }
}
