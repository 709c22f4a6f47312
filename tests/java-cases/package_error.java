package com.example.demo;

public class PackagedBroken {
    public String run() {
        return 1;
    }
}
