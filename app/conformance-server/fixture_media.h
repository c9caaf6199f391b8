// Tiny media files the conformance fixtures return, base64-encoded.
#pragma once

namespace shopmcp::app {

// A 1x1 red pixel, PNG.
inline constexpr const char* kRedPixelPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

// 10 ms of a 440 Hz tone: WAV, mono, 16-bit, 8 kHz.
inline constexpr const char* kToneWav =
    "UklGRsQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+"
    "AAACABAAZGF0YaAAAAAAAJUK6xPlGrIe3R5iG6oUgAv7AFj22eye5YHh"
    "AOEo5Jzql/MK/rcIXhLYGUQeHB9GHBgWTg3wAjv4cO645v7h0OBS4znp0fEW/NEGvhCxGLgdPB8OHXAXDg/"
    "jBCX6GPDs55ni"
    "wOCZ4uznGPAl+uMEDg9wFw4dPB+4HbEYvhDRBhb80fE56VLj0OD+4bjmcO47+PACTg0YFkYcHB9EHtgZ";

}  // namespace shopmcp::app
