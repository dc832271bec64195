// OpenCV's headers are C++; CLikenessVision includes them itself. Swift never imports this module:
// it exists so the package can name OpenCV as a pkg-config system library.
