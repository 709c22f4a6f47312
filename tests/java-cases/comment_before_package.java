// a comment first: the original JavaRunner no longer sees the package
package com.example.demo;

public class Commented {
    public String run() {
        return "unreachable";
    }
}
