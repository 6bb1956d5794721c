package dev.chrysalis.governance.promotion;

/**
 * Lets governance see and steer the live calls of one plugin. The host implements it: while a
 * {@link CallRouting} is installed for a plugin, the host asks it for every call of that plugin where the call
 * goes, carries the call out accordingly, and reports what happened.
 */
public interface TrafficTap {

    void install(String plugin, CallRouting routing);

    /** Back to plain routing to the live version; nothing when none is installed. */
    void remove(String plugin);
}
