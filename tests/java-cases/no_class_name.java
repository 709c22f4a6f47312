class Hidden {
    public String run() {
        return "never";
    }
}
