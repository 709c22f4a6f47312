

   	
public class Broken {
    public String run() {
        int x = "text";
        return undefined;
    }
}

