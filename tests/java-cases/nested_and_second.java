import java.util.function.Supplier;

public class Outer {
    static class Inner {
        String name() {
            return "inner";
        }
    }

    private final Supplier<String> anonymous = new Supplier<>() {
        @Override
        public String get() {
            return "anonymous";
        }
    };

    public String run() {
        return new Inner().name() + "+" + new Helper().name() + "+" + anonymous.get();
    }
}

class Helper {
    String name() {
        return "helper";
    }
}
