package com.example.demo;

public class Packaged {
    public String run() {
        return getClass().getName();
    }
}
