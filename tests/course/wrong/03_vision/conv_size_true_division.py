# notebook: vision.ipynb
# cell: conv_output_size
# loses: test_conv_output_size, test_conv_output_size_types, test_conv_output_size_values
# why: divides with / instead of //, returning a float that is not floored
def conv_output_size(size, kernel_size, stride=1, padding=0):
    return (size + 2 * padding - kernel_size) / stride + 1
