package io.tollgate.eventloop;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Getting back to the request's event loop after work that may finish elsewhere. Pure plumbing, no state. */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * The item or failure of {@code uni}, delivered on the Vert.x context current now (the request's event loop):
     * at once when it arrives there already, else as a task on it. Outside Vert.x, {@code uni} as it is. Not hopping
     * when already on the loop matters: the caller then sets its handlers before anything else on the loop can run.
     */
    public static <T> Uni<T> backToCurrent(Uni<T> uni) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return uni;
        }
        return uni.emitOn(task -> {
            if (Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(v -> task.run());
            }
        });
    }
}
